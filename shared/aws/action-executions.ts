/**
 * Which pipeline execution ran a build or a deployment: its id among the pipeline's latest action
 * executions (one ListActionExecutions). Only codebuild and codedeploy import this, so the other
 * functions do not carry the CodePipeline client.
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListActionExecutions.html
 */
import { ListActionExecutionsCommand } from '@aws-sdk/client-codepipeline';
import { codePipelineClient } from './clients';

export interface ActionRun {
  pipeline: string;
  executionId: string;
  stage?: string;
}

export async function findActionRun(pipeline: string, externalId: string): Promise<ActionRun | undefined> {
  const { actionExecutionDetails = [] } = await codePipelineClient().send(
    new ListActionExecutionsCommand({ pipelineName: pipeline, maxResults: 100 }),
  );
  const found = actionExecutionDetails.find(
    (detail) => detail.output?.executionResult?.externalExecutionId === externalId,
  );
  if (!found?.pipelineExecutionId) return undefined;
  return { pipeline, executionId: found.pipelineExecutionId, stage: found.stageName };
}
