/**
 * The reads that make a pipeline message useful: GetPipelineExecution (source revisions with their
 * commit messages, the trigger), ListActionExecutions (for failures: the failed action, its error
 * and its external execution), ListPipelineExecutions (start and end, for the duration). Each is
 * optional: a failed read leaves its part out.
 */
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import {
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { awsErrorName } from '../../shared/aws/clients';
import { revisionsOf } from '../../shared/aws/revisions';
import type { Log } from '../../shared/lambda/logger';
import { emptyPipelineEnrichment, type PipelineChange, type PipelineEnrichment } from './model';

export interface EnrichDeps {
  codePipeline: Pick<CodePipelineClient, 'send'>;
  log: Log;
}

const FAILED = new Set(['FAILED']);
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED', 'CANCELED']);

export async function enrichPipeline(change: PipelineChange, deps: EnrichDeps): Promise<PipelineEnrichment> {
  const result = emptyPipelineEnrichment();
  const fail = (what: string) => (error: unknown) => {
    result.problems.push(`${what} (${awsErrorName(error)})`);
    deps.log.warn(`Reading ${what} failed; the message will say less`, { error: awsErrorName(error) });
  };
  const reads: Array<Promise<void>> = [readExecution(change, deps, result).catch(fail('pipeline execution'))];
  if (FAILED.has(change.state) && change.level !== 'action') {
    reads.push(readFailedAction(change, deps, result).catch(fail('action executions')));
  }
  if (change.level === 'pipeline' && ENDED.has(change.state)) {
    reads.push(readTimes(change, deps, result).catch(fail('execution times')));
  }
  await Promise.all(reads);
  result.problems.sort();
  return result;
}

async function readExecution(
  change: PipelineChange,
  deps: EnrichDeps,
  result: PipelineEnrichment,
): Promise<void> {
  const { pipelineExecution } = await deps.codePipeline.send(
    new GetPipelineExecutionCommand({
      pipelineName: change.pipeline,
      pipelineExecutionId: change.executionId,
    }),
  );
  result.revisions = revisionsOf(pipelineExecution?.artifactRevisions);
  if (pipelineExecution?.trigger) {
    result.trigger = {
      type: pipelineExecution.trigger.triggerType,
      detail: pipelineExecution.trigger.triggerDetail,
    };
  }
  result.statusSummary = pipelineExecution?.statusSummary;
}

async function readFailedAction(
  change: PipelineChange,
  deps: EnrichDeps,
  result: PipelineEnrichment,
): Promise<void> {
  const { actionExecutionDetails = [] } = await deps.codePipeline.send(
    new ListActionExecutionsCommand({
      pipelineName: change.pipeline,
      filter: { pipelineExecutionId: change.executionId },
      maxResults: 100,
    }),
  );
  const failed = actionExecutionDetails.find(
    (detail) =>
      detail.status === 'Failed' &&
      (change.level !== 'stage' || !change.stage || detail.stageName === change.stage),
  );
  if (!failed) return;
  const execution = failed.output?.executionResult;
  result.failedAction = {
    stage: failed.stageName,
    action: failed.actionName,
    provider: failed.input?.actionTypeId?.provider,
    errorCode: execution?.errorDetails?.code,
    errorMessage: execution?.errorDetails?.message,
    summary: execution?.externalExecutionSummary,
    externalId: execution?.externalExecutionId,
    url: execution?.externalExecutionUrl,
  };
}

async function readTimes(
  change: PipelineChange,
  deps: EnrichDeps,
  result: PipelineEnrichment,
): Promise<void> {
  const { pipelineExecutionSummaries = [] } = await deps.codePipeline.send(
    new ListPipelineExecutionsCommand({ pipelineName: change.pipeline, maxResults: 25 }),
  );
  const summary = pipelineExecutionSummaries.find((s) => s.pipelineExecutionId === change.executionId);
  result.startTime = summary?.startTime?.toISOString();
  result.endTime = summary?.lastUpdateTime?.toISOString();
}
