/**
 * Which release a step belongs to, without configuration. Pipeline and approval events name
 * their execution; a build names its pipeline (its initiator); a deployment is found through the
 * pipelines that run its deployment group (learnt from their structure: ./pipelines.ts), then
 * among that pipeline's action executions (one ListActionExecutions per new id); the answer is
 * kept as a `link#<id>` item, and a deployment's task definition is linked too, which leads its
 * ECS tasks to the release. A rollback deployment is found by the deployment it rolls back. A
 * container remembers the runs it has found (a build or deployment belongs to one run for ever).
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html
 */
import type { PipelineReader } from '../aws/pipelines';
import { afterwards } from '../lambda/afterwards';
import { keep } from '../lambda/container';
import type { ReleaseStep } from '../notice/notice';
import { buildRunner, deployRunner } from '../state/pipelines';
import { type ReleaseLink, readLink, releaseKey, writeLink } from '../state/releases';
import { type AheadDeps, readReleaseAhead, startAhead, takeAhead } from './ahead';
import { pipelinesOf } from './pipelines';

export type CorrelateDeps = AheadDeps;

export interface Found {
  link?: ReleaseLink;
  /** Ids linked to the release by this call (messages posted before, waiting for them, can move now). */
  linked: string[];
  /** The links' writes, under way beside the release's: waiting messages move once they are in. */
  linking?: Promise<unknown>;
}

/** The build project of a CodeBuild build id (`<project>:<uuid>`). */
const projectOf = (buildId: string) => buildId.slice(0, buildId.lastIndexOf(':')) || undefined;

/** Where a build or deployment belongs, and the ids this lookup linked (the task definition it tried). */
interface Located extends Found {
  taskDefinition?: string;
}

/** Builds and deployments this container has found the run of (each belongs to one run for ever). */
const runsKnown = keep<string, ReleaseLink>();

/**
 * The run of a step's build or deployment: this container's memory, its link, else (and then kept)
 * its pipelines' action runs. A build or deployment met here for the first time has its link read
 * and CodePipeline asked at once: its first event has no link yet, and a later one met by another
 * container costs one needless ListActionExecutions.
 */
async function locate(step: ReleaseStep, deps: CorrelateDeps): Promise<Located> {
  const { buildId, deploymentId, taskDefinition } = step.via ?? {};
  const external = buildId ?? deploymentId;
  const remembered = external ? runsKnown.get(external) : undefined;
  if (remembered) return { link: remembered, linked: [], taskDefinition };
  const search = external && deps.reader ? searchRuns(step, external, deps.reader, deps) : undefined;
  if (search)
    afterwards(
      `the run of ${external}`,
      search.catch(() => undefined),
    );
  const [byId, byTask] = await Promise.all([
    external ? readLink(external, deps) : undefined,
    taskDefinition ? readLink(taskDefinition, deps) : undefined,
  ]);
  if (external && byId) runsKnown.set(external, byId);
  if (byId ?? byTask) return { link: byId ?? byTask, linked: [], taskDefinition };
  const link = external && (await search);
  if (!external || !link) return { linked: [], taskDefinition };
  runsKnown.set(external, link);
  // Kept for the next events, beside this one's write of the release.
  const linking = writeLink(external, link, deps);
  afterwards(`the link of ${external}`, linking, 'its next event looks again');
  return { link, linked: [external], taskDefinition, linking };
}

/** The action run of a build or deployment among the pipelines that run it (a build names its own). */
async function searchRuns(
  step: ReleaseStep,
  external: string,
  reader: PipelineReader,
  deps: CorrelateDeps,
): Promise<ReleaseLink | undefined> {
  const { buildId, application, deploymentGroup } = step.via ?? {};
  const project = buildId ? projectOf(buildId) : undefined;
  const runner = project
    ? buildRunner(project)
    : application && deploymentGroup
      ? deployRunner(application, deploymentGroup)
      : undefined;
  const candidates = step.pipeline
    ? [step.pipeline].filter(deps.follows)
    : runner
      ? [...new Set((await pipelinesOf(runner, deps)).map((by) => by.pipeline))]
      : [];
  for (const pipeline of candidates) {
    const run = await reader.findActionRun(pipeline, external);
    if (run) return run;
  }
  return undefined;
}

/**
 * A located step's release: a detail's is read (it needs a card to go under), and a deployment's
 * task definition is linked to it (its ECS tasks lead to the release, not to a stage of it).
 */
function tie(step: ReleaseStep, located: Located, deps: CorrelateDeps): Found {
  const { link } = located;
  if (!link) return located;
  if (step.level === 'detail') {
    readReleaseAhead(releaseKey(link.pipeline, link.executionId), deps);
    return located;
  }
  const { deploymentId, taskDefinition } = step.via ?? {};
  if (!taskDefinition || !deploymentId) return located;
  const at = step.at ? Date.parse(step.at) : Number.NaN;
  const run = { pipeline: link.pipeline, executionId: link.executionId };
  const linking = writeLink(taskDefinition, run, deps, Number.isNaN(at) ? undefined : at);
  afterwards(`the link of ${taskDefinition}`, linking, 'its tasks are found by their deployment again');
  return {
    link,
    linked: [...located.linked, taskDefinition],
    linking: Promise.allSettled([located.linking, linking]),
  };
}

/** What a step's correlation started ahead is kept under: the first id the event gives. */
function locateName(step: ReleaseStep): string | undefined {
  const { buildId, deploymentId, taskDefinition } = step.via ?? {};
  const id = buildId ?? deploymentId ?? taskDefinition;
  return id ? `locate#${id}` : undefined;
}

/**
 * Starts what a step's release will need, from what its event says, while the notice is recorded
 * and enriched: the release item when the step names its pipeline run, else where its build or
 * deployment belongs (its link, or its pipelines' action runs when no link is kept yet).
 */
export function readAhead(step: ReleaseStep | undefined, deps: CorrelateDeps): void {
  if (!step) return;
  if (step.pipeline && step.executionId) {
    // A detail goes under the card only when there is one: read it. A stage or pipeline step is
    // appended without a read.
    if (step.level === 'detail' && deps.follows(step.pipeline))
      readReleaseAhead(releaseKey(step.pipeline, step.executionId), deps);
    return;
  }
  const name = locateName(step);
  if (name) startAhead(deps, name, () => locate(step, deps));
}

/**
 * The release of a step: named by a pipeline event; else located ahead from its event when that
 * found it, or when the notice as enriched names no task definition the event did not; else located
 * now.
 */
export async function findRelease(step: ReleaseStep, deps: CorrelateDeps): Promise<Found> {
  if (step.pipeline && step.executionId) {
    if (!deps.follows(step.pipeline)) return { linked: [] };
    return {
      link: { pipeline: step.pipeline, executionId: step.executionId, stage: step.stage },
      linked: [],
    };
  }
  const name = locateName(step);
  const settled = name ? await takeAhead<Located>(name, deps) : undefined;
  // Its AWS reads failed: they are not made twice (the notice goes on its own, as it would).
  if (settled && 'error' in settled) throw settled.error;
  const ahead = settled?.value;
  const usable = ahead && (ahead.link || ahead.taskDefinition === step.via?.taskDefinition);
  return tie(step, usable ? ahead : await locate(step, deps), deps);
}
