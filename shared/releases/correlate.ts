/**
 * Which release a step belongs to. Pipeline and approval events name their execution; a build or a
 * deployment started by the pipeline is found among the pipeline's action executions (one
 * ListActionExecutions per new id, the answer kept as a `link#<id>` item), and an ECS task by the
 * task definition its release deployed (linked when that deployment was correlated).
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html
 */
import type { ReleaseStep } from '../notice/notice';
import { type ReleaseLink, readLink, writeLink } from '../state/releases';
import type { TableDeps } from '../state/table';

export interface CorrelateDeps extends TableDeps {
  /**
   * Finds the execution that ran a build or deployment among the pipeline's action executions;
   * without it (functions that never meet one), only links are read.
   */
  findActionRun?: (pipeline: string, externalId: string) => Promise<ReleaseLink | undefined>;
  /** Pipelines to search for a deployment (a build names its own pipeline). */
  pipelines: string[];
}

export async function findRelease(step: ReleaseStep, deps: CorrelateDeps): Promise<ReleaseLink | undefined> {
  if (step.pipeline && step.executionId) {
    return { pipeline: step.pipeline, executionId: step.executionId, stage: step.stage };
  }
  const { buildId, deploymentId, taskDefinition } = step.via ?? {};
  const external = buildId ?? deploymentId;
  let link: ReleaseLink | undefined;
  for (const id of [external, taskDefinition]) {
    if (id && !link) link = await readLink(id, deps);
  }
  if (!link && external) {
    for (const pipeline of step.pipeline ? [step.pipeline] : deps.pipelines) {
      link ??= await deps.findActionRun?.(pipeline, external);
    }
    if (link) await writeLink(external, link, deps);
  }
  // A deployment's task definition leads its ECS tasks to the release (not to a stage of it).
  if (link && taskDefinition && external) {
    await writeLink(taskDefinition, { pipeline: link.pipeline, executionId: link.executionId }, deps);
  }
  return link;
}
