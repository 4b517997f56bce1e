/**
 * Which release a step belongs to, without configuration. Pipeline and approval events name
 * their execution; a build names its pipeline (its initiator); a deployment is found through the
 * pipelines that run its deployment group (learnt from their structure: ./pipelines.ts), then
 * among that pipeline's action executions (one ListActionExecutions per new id); the answer is
 * kept as a `link#<id>` item, and a deployment's task definition is linked too, which leads its
 * ECS tasks to the release. A rollback deployment is found by the deployment it rolls back.
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html
 */
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
}

/** The build project of a CodeBuild build id (`<project>:<uuid>`). */
const projectOf = (buildId: string) => buildId.slice(0, buildId.lastIndexOf(':')) || undefined;

/** Where a build or deployment belongs, and the ids this lookup linked (the task definition it tried). */
interface Located extends Found {
  taskDefinition?: string;
}

/** The run of a step's build or deployment: its link, else (and then kept) its pipelines' action runs. */
async function locate(step: ReleaseStep, deps: CorrelateDeps): Promise<Located> {
  const { buildId, deploymentId, taskDefinition, application, deploymentGroup } = step.via ?? {};
  const external = buildId ?? deploymentId;
  let link = external ? await readLink(external, deps) : undefined;
  if (!link && taskDefinition) link = await readLink(taskDefinition, deps);
  if (link || !external || !deps.reader) return { link, linked: [], taskDefinition };
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
  for (const pipeline of candidates) link ??= await deps.reader.findActionRun(pipeline, external);
  if (link) await writeLink(external, link, deps);
  return { link, linked: link ? [external] : [], taskDefinition };
}

/**
 * A located step's release: read for the merge while a deployment's task definition is linked to
 * it (its ECS tasks lead to the release, not to a stage of it).
 */
async function tie(step: ReleaseStep, located: Located, deps: CorrelateDeps): Promise<Found> {
  const { link } = located;
  if (!link) return { linked: located.linked };
  if (step.level !== 'detail') readReleaseAhead(releaseKey(link.pipeline, link.executionId), deps);
  const { deploymentId, taskDefinition } = step.via ?? {};
  if (!taskDefinition || !deploymentId || step.level === 'detail') return { link, linked: located.linked };
  const at = step.at ? Date.parse(step.at) : Number.NaN;
  const run = { pipeline: link.pipeline, executionId: link.executionId };
  await writeLink(taskDefinition, run, deps, Number.isNaN(at) ? undefined : at);
  return { link, linked: [...located.linked, taskDefinition] };
}

/**
 * Starts what a step's release will need, from what its event says, while the notice is recorded
 * and enriched: the release item when the step names its pipeline run, else where its build or
 * deployment belongs (its link, or its pipelines' action runs when no link is kept yet).
 */
export function readAhead(step: ReleaseStep | undefined, deps: CorrelateDeps): void {
  if (!step) return;
  if (step.pipeline && step.executionId) {
    if (deps.follows(step.pipeline)) readReleaseAhead(releaseKey(step.pipeline, step.executionId), deps);
    return;
  }
  const external = step.via?.buildId ?? step.via?.deploymentId;
  if (external) startAhead(deps, `locate#${external}`, () => locate(step, deps));
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
  const external = step.via?.buildId ?? step.via?.deploymentId;
  const settled = external ? await takeAhead<Located>(`locate#${external}`, deps) : undefined;
  // Its AWS reads failed: they are not made twice (the notice goes on its own, as it would).
  if (settled && 'error' in settled) throw settled.error;
  const ahead = settled?.value;
  const usable = ahead && (ahead.link || ahead.taskDefinition === step.via?.taskDefinition);
  return tie(step, usable ? ahead : await locate(step, deps), deps);
}
