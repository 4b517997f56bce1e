/**
 * What is being shipped: the pipeline execution waiting at the approval (GetPipelineState), its
 * source revisions (GetPipelineExecution), and for a CodeCommit source the commit's author
 * (GetCommit), who may not approve where the no-self-approval rule applies, and every change since
 * the revision prod runs (./ships.ts).
 */
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { GetCommitCommand } from '@aws-sdk/client-codecommit';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { GetPipelineExecutionCommand, GetPipelineStateCommand } from '@aws-sdk/client-codepipeline';
import { awsErrorName } from '../../shared/aws/clients';
import { repositoryOfRevisionUrl, revisionsOf } from '../../shared/aws/revisions';
import type { Log } from '../../shared/lambda/logger';
import type { ApprovalEnrichment, ApprovalRequest } from './model';
import { type ShipsDeps, shipsOf } from './ships';

export interface EnrichDeps {
  codePipeline: Pick<CodePipelineClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
  log: Log;
  /** With the state table: what ships since prod (computed once per release). */
  ships?: Omit<ShipsDeps, 'codePipeline' | 'codeCommit'>;
}

export async function enrichApproval(
  { notification, rule }: ApprovalRequest,
  deps: EnrichDeps,
): Promise<ApprovalEnrichment> {
  const result: ApprovalEnrichment = { revisions: [], problems: [] };
  const { pipelineName, stageName, actionName } = notification.approval;
  // Never log the token: only where the approval waits.
  deps.log.info('Approval requested', {
    pipeline: pipelineName,
    stage: stageName,
    action: actionName,
    rule: rule?.environment ?? 'none',
  });
  const fail = (what: string) => (error: unknown) => {
    result.problems.push(`${what} (${awsErrorName(error)})`);
    deps.log.warn(`Reading ${what} failed; the request will say less`, { error: awsErrorName(error) });
  };
  await (async () => {
    const state = await deps.codePipeline.send(new GetPipelineStateCommand({ name: pipelineName }));
    const executionId = state.stageStates?.find((stage) => stage.stageName === stageName)?.latestExecution
      ?.pipelineExecutionId;
    if (!executionId) return;
    result.executionId = executionId;
    const { pipelineExecution } = await deps.codePipeline.send(
      new GetPipelineExecutionCommand({ pipelineName, pipelineExecutionId: executionId }),
    );
    result.revisions = revisionsOf(pipelineExecution?.artifactRevisions);
  })().catch(fail('pipeline execution'));

  const source = result.revisions[0];
  const repository = repositoryOfRevisionUrl(source?.url);
  const reads: Array<Promise<void>> = [];
  if (source?.id && repository) {
    reads.push(
      deps.codeCommit
        .send(new GetCommitCommand({ repositoryName: repository, commitId: source.id }))
        .then(({ commit }) => {
          result.author = { name: commit?.author?.name, email: commit?.author?.email };
        })
        .catch(fail('commit author')),
    );
  }
  const { executionId } = result;
  if (source?.id && repository && executionId && deps.ships) {
    const candidate = {
      pipeline: pipelineName,
      executionId,
      approvalStage: stageName,
      environment: rule?.environment,
      repository,
      region: notification.region,
      head: source.id,
    };
    const shipsDeps = { ...deps.ships, codePipeline: deps.codePipeline, codeCommit: deps.codeCommit };
    reads.push(
      shipsOf(candidate, shipsDeps)
        .then(({ ships, prod }) => {
          result.ships = ships;
          if (prod) result.prod = prod;
        })
        .catch(fail('what ships since prod')),
    );
  }
  await Promise.all(reads);
  result.problems.sort();
  return result;
}
