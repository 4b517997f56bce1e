/**
 * The reads that make a pipeline message useful: GetPipelineExecution (source revisions with their
 * commit messages, the trigger), ListActionExecutions (for failures: the failed action, its error
 * and its external execution; for a decided approval: who decided and why), ListPipelineExecutions
 * (start and end, for the duration), and for a run that starts, its head commit's author
 * (CodeCommit GetCommit). Each is optional: a failed read leaves its part out.
 */
import { type CodeCommitClient, GetCommitCommand } from '@aws-sdk/client-codecommit';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import {
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { awsErrorName } from '../../shared/aws/clients';
import { approvalDecisionOf, repositoryOfRevisionUrl, revisionsOf } from '../../shared/aws/revisions';
import type { Log } from '../../shared/lambda/logger';
import { emptyPipelineEnrichment, type PipelineChange, type PipelineEnrichment } from './model';

export interface EnrichDeps {
  codePipeline: Pick<CodePipelineClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
  log: Log;
}

const FAILED = new Set(['FAILED']);
const DECIDED = new Set(['SUCCEEDED', 'FAILED']);
const ENDED = new Set(['SUCCEEDED', 'FAILED', 'STOPPED', 'SUPERSEDED', 'CANCELED']);

export async function enrichPipeline(change: PipelineChange, deps: EnrichDeps): Promise<PipelineEnrichment> {
  const result = emptyPipelineEnrichment();
  const fail = (what: string) => (error: unknown) => {
    result.problems.push(`${what} (${awsErrorName(error)})`);
    deps.log.warn(`Reading ${what} failed; the message will say less`, { error: awsErrorName(error) });
  };
  const execution = readExecution(change, deps, result).catch(fail('pipeline execution'));
  const reads: Array<Promise<void>> = [execution];
  // A run that starts: who wrote what it ships (the release card names the author).
  if (change.level === 'pipeline' && change.state === 'STARTED') {
    reads.push(execution.then(() => readAuthor(deps, result)).catch(fail('commit author')));
  }
  if (change.level === 'action' && change.category === 'Approval' && DECIDED.has(change.state)) {
    reads.push(readDecision(change, deps, result).catch(fail('approval decision')));
  }
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

async function readAuthor(deps: EnrichDeps, result: PipelineEnrichment): Promise<void> {
  const source = result.revisions[0];
  const repository = repositoryOfRevisionUrl(source?.url);
  if (!source?.id || !repository) return;
  const { commit } = await deps.codeCommit.send(
    new GetCommitCommand({ repositoryName: repository, commitId: source.id }),
  );
  const author = commit?.author?.name ?? commit?.author?.email;
  if (author) result.author = author;
}

/** Who approved or rejected, and their comment: the approval's action execution. */
async function readDecision(
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
  const approval = actionExecutionDetails.find(
    (detail) => detail.stageName === change.stage && detail.actionName === change.action,
  );
  if (!approval) return;
  result.decision = approvalDecisionOf(
    approval.updatedBy,
    approval.output?.executionResult?.externalExecutionSummary,
  );
}
