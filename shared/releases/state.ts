/**
 * Pure: the state of one release (a pipeline execution) as its card shows it, and how a step
 * changes it. Merging is commutative and idempotent, so events arriving late, twice or out of
 * order give the same card: a stage's state only moves up (running < stopped < succeeded <
 * failed), times widen, and each text field keeps the value of the step that gave one with the
 * highest state (the more specific source first among equals): "approved" outlives "waiting".
 */
import * as v from 'valibot';
import { type ReleaseStep, STEP_STATES, type StepState } from '../notice/notice';

/** A value with what decides between two of them (higher state, then more specific source, then text). */
const rankedSchema = v.object({ value: v.string(), rank: v.tuple([v.number(), v.number()]) });

export type Ranked = v.InferOutput<typeof rankedSchema>;

const stageLineSchema = v.object({
  name: v.string(),
  state: v.optional(v.picklist(STEP_STATES)),
  startedAt: v.optional(v.string()),
  endedAt: v.optional(v.string()),
  label: v.optional(rankedSchema),
  url: v.optional(rankedSchema),
  note: v.optional(rankedSchema),
  /** The stage's buttons (JSON of the step's `offer`), and whether a decision closed them. */
  offer: v.optional(rankedSchema),
  offerClosed: v.optional(v.boolean()),
});

export type StageLine = v.InferOutput<typeof stageLineSchema>;

/** The card's state as stored (and validated when read back: shared/state/releases.ts). */
export const releaseStateSchema = v.object({
  pipeline: v.string(),
  executionId: v.string(),
  region: v.optional(v.string()),
  state: v.optional(v.picklist(STEP_STATES)),
  startedAt: v.optional(v.string()),
  endedAt: v.optional(v.string()),
  commit: v.optional(
    v.object({
      id: v.string(),
      message: v.optional(v.string()),
      author: v.optional(v.string()),
      url: v.optional(v.string()),
    }),
  ),
  stages: v.record(v.string(), stageLineSchema),
  /** The pipeline's stages in their order (its structure), so that pending ones show too. */
  order: v.optional(v.array(v.string())),
  /** What it ships since prod (known once its approval is requested). */
  ships: v.optional(v.object({ line: v.string(), url: v.optional(v.string()) })),
});

export type ReleaseState = v.InferOutput<typeof releaseStateSchema>;

/** The stages of the pipeline Herald ships, in their order; others follow, by name. */
export const KNOWN_STAGES = ['Source', 'Build', 'Deploy-stage', 'Approval', 'Deploy-prod'];

const STATE_RANK: Record<StepState, number> = {
  running: 1,
  waiting: 1,
  superseded: 2,
  stopped: 2,
  succeeded: 3,
  failed: 4,
};

const TERMINAL = new Set<StepState>(['succeeded', 'failed', 'stopped', 'superseded']);

export function isTerminal(state: StepState | undefined): boolean {
  return state !== undefined && TERMINAL.has(state);
}

export function stateRank(state: StepState | undefined): number {
  return state ? STATE_RANK[state] : 0;
}

/** The higher of two states; equal ranks are decided by name, so the order of arrival never matters. */
function higher(a: StepState | undefined, b: StepState | undefined): StepState | undefined {
  if (!a) return b;
  if (!b) return a;
  const [ra, rb] = [stateRank(a), stateRank(b)];
  if (ra !== rb) return ra > rb ? a : b;
  return a > b ? a : b;
}

function earlier(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a < b ? a : b;
}

function later(a: string | undefined, b: string | undefined): string | undefined {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

function better(a: Ranked | undefined, b: Ranked | undefined): Ranked | undefined {
  if (!a) return b;
  if (!b) return a;
  for (const i of [0, 1] as const) if (a.rank[i] !== b.rank[i]) return a.rank[i] > b.rank[i] ? a : b;
  return a.value >= b.value ? a : b;
}

function ranked(value: string | undefined, step: ReleaseStep): Ranked | undefined {
  return value ? { value, rank: [stateRank(step.state), step.priority] } : undefined;
}

/** Either value, the same one whichever came first. */
function pick(a: string | undefined, b: string | undefined): string | undefined {
  return a && b ? (a >= b ? a : b) : (a ?? b);
}

function mergeCommit(
  a: ReleaseState['commit'],
  b: NonNullable<ReleaseState['commit']>,
): ReleaseState['commit'] {
  if (!a) return b;
  const id = pick(a.id, b.id) ?? a.id;
  return {
    id,
    message: pick(a.message, b.message),
    author: pick(a.author, b.author),
    url: pick(a.url, b.url),
  };
}

export function emptyRelease(pipeline: string, executionId: string, region?: string): ReleaseState {
  return { pipeline, executionId, region, stages: {} };
}

/** A step as its release keeps it: what applyStep reads, not how the release was found. */
export type StoredStep = Omit<ReleaseStep, 'pipeline' | 'executionId' | 'via'>;

const LEVELS = new Set(['pipeline', 'stage', 'detail']);

/**
 * A stored step read back: the table is Herald's own, written from steps its describers made, so
 * only its shape is checked (a damaged step is left out, not guessed at).
 */
export const storedStepSchema = v.custom<StoredStep>((value) => {
  const step = value as Partial<StoredStep> | null;
  return (
    typeof step === 'object' &&
    step !== null &&
    LEVELS.has(String(step.level)) &&
    typeof step.priority === 'number'
  );
});

export function storedStepOf(step: ReleaseStep): StoredStep {
  const { pipeline: _pipeline, executionId: _executionId, via: _via, ...kept } = step;
  return kept;
}

/**
 * The release after its steps, from its base (the state last compacted, or none yet). Merging is
 * order-free, so steps appended by many writers at once fold to the same release in any order.
 */
export function foldSteps(
  base: ReleaseState | undefined,
  pipeline: string,
  executionId: string,
  steps: StoredStep[],
): ReleaseState | undefined {
  if (!base && steps.length === 0) return undefined;
  const start = base ?? emptyRelease(pipeline, executionId, steps.find((step) => step.region)?.region);
  return steps.reduce(applyStep, start);
}

/** The release after `step`. */
export function applyStep(release: ReleaseState, step: ReleaseStep): ReleaseState {
  const next: ReleaseState = { ...release, stages: { ...release.stages } };
  if (step.commit) next.commit = mergeCommit(next.commit, step.commit);
  // Computed once per release, so any step that carries it says the same.
  if (step.ships) next.ships = step.ships;
  if (step.level === 'pipeline') {
    next.state = higher(next.state, step.state);
    if (step.state && !TERMINAL.has(step.state)) next.startedAt = earlier(next.startedAt, step.at);
    next.startedAt = earlier(next.startedAt, step.startedAt);
    if (step.state && TERMINAL.has(step.state)) next.endedAt = later(next.endedAt, step.at);
    return next;
  }
  if (step.level !== 'stage' || !step.stage) return next;
  const line: StageLine = { ...(next.stages[step.stage] ?? { name: step.stage }) };
  line.state = higher(line.state, step.state);
  const started = step.startedAt ?? (step.state && !TERMINAL.has(step.state) ? step.at : undefined);
  line.startedAt = earlier(line.startedAt, started);
  if (step.state && TERMINAL.has(step.state)) line.endedAt = later(line.endedAt, step.at);
  line.label = better(line.label, ranked(step.label, step));
  line.url = better(line.url, ranked(step.url, step));
  line.note = better(line.note, ranked(step.note, step));
  line.offer = better(line.offer, ranked(step.offer ? JSON.stringify(step.offer) : undefined, step));
  if (step.closeOffer || line.offerClosed) line.offerClosed = true;
  next.stages[step.stage] = line;
  return next;
}

/**
 * The stages in the pipeline's order: all of its stages when its structure is known (those not
 * reached yet without a state), else the stages Herald ships in their order; others by name.
 */
export function orderedStages(release: ReleaseState): StageLine[] {
  const order = release.order ?? KNOWN_STAGES;
  const position = (name: string) => {
    const known = order.indexOf(name);
    return known >= 0 ? known : order.length;
  };
  const pending = (release.order ?? [])
    .filter((name) => !release.stages[name])
    .map((name): StageLine => ({ name }));
  return [...Object.values(release.stages), ...pending].sort(
    (a, b) => position(a.name) - position(b.name) || (a.name < b.name ? -1 : 1),
  );
}

/** The buttons of the first running stage that offers some and has not had its decision. */
export function openOffer(release: ReleaseState): NonNullable<ReleaseStep['offer']> | undefined {
  const line = orderedStages(release).find(
    (stage) => stage.offer && !stage.offerClosed && (stage.state === 'running' || stage.state === 'waiting'),
  );
  return line?.offer ? (JSON.parse(line.offer.value) as NonNullable<ReleaseStep['offer']>) : undefined;
}

/** Where the release stands when its pipeline has not said so itself. */
export function currentState(release: ReleaseState): StepState {
  if (release.state && TERMINAL.has(release.state)) return release.state;
  const stages = orderedStages(release);
  if (stages.some((stage) => stage.state === 'failed')) return 'failed';
  if (stages.some((stage) => stage.state === 'waiting')) return 'waiting';
  return 'running';
}
