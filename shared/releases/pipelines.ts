/**
 * Herald learns the pipelines it watches instead of being told: a pipeline's structure (its stages
 * in order, which build project or deployment group each action runs) is read once per version
 * (GetPipeline) and kept in the state table; which pipeline runs a deployment group is then one
 * read, however many pipelines are watched. On the first event of a group Herald has not met
 * (right after install, or a new pipeline), the watched pipelines are listed (ListPipelines, kept
 * a few minutes) and those not known yet are learnt.
 */
import type { PipelineReader, PipelineStructure } from '../aws/pipelines';
import { afterwards } from '../lambda/afterwards';
import { keep } from '../lambda/container';
import {
  pipelinesRunning,
  type RunBy,
  type Runner,
  readPipeline,
  readPipelines,
  runnersOf,
  writePipeline,
} from '../state/pipelines';
import type { TableDeps } from '../state/table';

export interface PipelineDeps extends TableDeps {
  /** CodePipeline's reads, where the function carries the client (codebuild, codedeploy, codepipeline). */
  reader?: PipelineReader;
  /** Is this pipeline Herald's to follow (watched, and not left out of release cards)? */
  follows: (pipeline: string) => boolean;
}

const known = keep<string, PipelineStructure>();
/** Runners no watched pipeline runs (a build outside any pipeline): not looked for again for a while. */
const unknownRunners = keep<Runner, number>();
/** Which pipelines run a runner, as last read (a pipeline changed meanwhile is read again after a while). */
const knownRunners = keep<Runner, { pipelines: RunBy[]; until: number }>();
/** How long a container keeps what it learnt of a runner (known or not run by any watched pipeline). */
const RUNNERS_KEPT_MS = 5 * 60_000;
/** Structures being read right now, by pipeline. */
const learning = new Map<string, Promise<PipelineStructure | undefined>>();

/** The structure this container knows of a pipeline (no read). */
export function knownStructure(name: string): PipelineStructure | undefined {
  return known.get(name);
}

/**
 * The structure of a pipeline at `version` or newer: from this container, the state table, or
 * (with a reader) CodePipeline, kept for the next time. Undefined when it cannot be known here.
 */
export async function structureOf(
  name: string,
  deps: PipelineDeps,
  version?: number,
): Promise<PipelineStructure | undefined> {
  const fresh = (s: PipelineStructure | undefined) => s && (version === undefined || s.version >= version);
  // A read under way is newer than what the container holds (an event of a newer version started
  // it): wait for it first. Two steps asking at once (the release history and the card) read once.
  const pending = learning.get(name);
  if (pending) {
    const learnt = await pending.catch(() => undefined);
    if (fresh(learnt)) return learnt;
  }
  const cached = known.get(name);
  if (fresh(cached)) return cached;
  const run = learn(name, deps, fresh);
  learning.set(name, run);
  try {
    return await run;
  } finally {
    if (learning.get(name) === run) learning.delete(name);
  }
}

async function learn(
  name: string,
  deps: PipelineDeps,
  fresh: (s: PipelineStructure | undefined) => boolean | undefined,
): Promise<PipelineStructure | undefined> {
  // A container that knows nothing of the pipeline asks the table and CodePipeline at once: the
  // table's copy is used when it is fresh, so a cold start costs one needless GetPipeline at most.
  const asking = !known.has(name) ? deps.reader?.readStructure(name) : undefined;
  if (asking)
    afterwards(
      `the structure of pipeline ${name}`,
      asking.catch(() => undefined),
    );
  const stored = await readPipeline(name, deps);
  if (stored && fresh(stored)) {
    known.set(name, stored);
    return stored;
  }
  if (!deps.reader) return stored;
  const read = await (asking ?? deps.reader.readStructure(name));
  // Kept for the next events, off this one's way to Slack.
  afterwards(`the structure of pipeline ${name}`, () => writePipeline(read, deps));
  known.set(name, read);
  return read;
}

/** The followed pipelines whose actions run this build project or deployment group. */
export async function pipelinesOf(runner: Runner, deps: PipelineDeps): Promise<RunBy[]> {
  const kept = knownRunners.get(runner);
  if (kept && kept.until > Date.now()) return kept.pipelines;
  const learnt = (await pipelinesRunning(runner, deps)).filter((by) => deps.follows(by.pipeline));
  if (learnt.length > 0) knownRunners.set(runner, { pipelines: learnt, until: Date.now() + RUNNERS_KEPT_MS });
  if (learnt.length > 0 || !deps.reader) return learnt;
  if ((unknownRunners.get(runner) ?? 0) > Date.now()) return [];
  const found = await discover(runner, deps.reader, deps);
  if (found.length === 0) unknownRunners.set(runner, Date.now() + RUNNERS_KEPT_MS);
  return found;
}

/** Learns every followed pipeline not known at its listed version, and says which run `runner`. */
async function discover(runner: Runner, reader: PipelineReader, deps: PipelineDeps): Promise<RunBy[]> {
  const listed = (await reader.listPipelines()).filter((p) => deps.follows(p.name));
  const stored = await readPipelines(
    listed.map((p) => p.name),
    deps,
  );
  const structures = await Promise.all(
    listed.map(async ({ name, version }) => {
      const kept = stored.get(name);
      if (kept && kept.version >= version) return kept;
      const read = await reader.readStructure(name);
      await writePipeline(read, deps);
      return read;
    }),
  );
  for (const structure of structures) known.set(structure.name, structure);
  return structures.flatMap((structure) =>
    runnersOf(structure)
      .filter((found) => found.runner === runner)
      .map((found) => found.by),
  );
}
