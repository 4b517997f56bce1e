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
import { type ReleaseLink, releaseKey, writeLink } from '../state/releases';
import { type AheadDeps, linkOf, readReleaseAhead } from './ahead';
import { pipelinesOf } from './pipelines';

export type CorrelateDeps = AheadDeps;

export interface Found {
  link?: ReleaseLink;
  /** Ids linked to the release by this call (messages posted before, waiting for them, can move now). */
  linked: string[];
}

/** The build project of a CodeBuild build id (`<project>:<uuid>`). */
const projectOf = (buildId: string) => buildId.slice(0, buildId.lastIndexOf(':')) || undefined;

export async function findRelease(step: ReleaseStep, deps: CorrelateDeps): Promise<Found> {
  if (step.pipeline && step.executionId) {
    if (!deps.follows(step.pipeline)) return { linked: [] };
    return {
      link: { pipeline: step.pipeline, executionId: step.executionId, stage: step.stage },
      linked: [],
    };
  }
  const { buildId, deploymentId, taskDefinition, application, deploymentGroup } = step.via ?? {};
  const external = buildId ?? deploymentId;
  // The build's or deployment's link is usually read ahead (while the notice was enriched).
  let link = external ? await linkOf(external, deps) : undefined;
  if (!link && taskDefinition) link = await linkOf(taskDefinition, deps);
  const linked: string[] = [];
  if (!link && external && deps.reader) {
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
    if (link) linked.push(external);
  }
  if (!link) return { linked };
  // Known now: the release is read for the merge while the links are written.
  if (step.level !== 'detail') readReleaseAhead(releaseKey(link.pipeline, link.executionId), deps);
  const writes: Array<Promise<void>> = [];
  if (external && linked.includes(external)) writes.push(writeLink(external, link, deps));
  // A deployment's task definition leads its ECS tasks to the release (not to a stage of it).
  if (taskDefinition && deploymentId && step.level !== 'detail') {
    const at = step.at ? Date.parse(step.at) : Number.NaN;
    const run = { pipeline: link.pipeline, executionId: link.executionId };
    writes.push(writeLink(taskDefinition, run, deps, Number.isNaN(at) ? undefined : at));
    linked.push(taskDefinition);
  }
  await Promise.all(writes);
  return { link, linked };
}
