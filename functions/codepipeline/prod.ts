/**
 * What a run tells later approvals, recorded whatever routing says: when its prod stage (the stage
 * whose deployment group the routing file maps to `prod`) succeeds, the revision that now runs in
 * prod (GetPipelineExecution); when it fails, prod's last failure (a risk signal on the next
 * approval request). Herald's own record of prod, read before CodePipeline's history.
 */
import { type CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import type { PipelineStructure } from '../../shared/aws/pipelines';
import { parseAwsDate } from '../../shared/input/time';
import { firstLine } from '../../shared/notice/text';
import { recordProd } from '../../shared/state/ships';
import type { TableDeps } from '../../shared/state/table';
import type { PipelineChange } from './model';

/** Is `stage` one that deploys to prod (a deploy action whose group is in `prod`)? */
export function isProdStage(
  structure: PipelineStructure | undefined,
  stage: string | undefined,
  environmentOf: (group: string) => string | undefined,
): boolean {
  const found = structure?.stages.find((s) => s.name === stage);
  return Boolean(found?.actions.some((action) => action.group && environmentOf(action.group) === 'prod'));
}

export async function recordProdOutcome(
  change: PipelineChange,
  deps: TableDeps & { codePipeline: Pick<CodePipelineClient, 'send'> },
): Promise<void> {
  const at = (parseAwsDate(change.time) ?? new Date()).toISOString();
  if (change.state === 'FAILED') {
    await recordProd(
      change.pipeline,
      { lastFailure: { executionId: change.executionId, at, how: 'failed' } },
      deps,
    );
    return;
  }
  const { pipelineExecution } = await deps.codePipeline.send(
    new GetPipelineExecutionCommand({
      pipelineName: change.pipeline,
      pipelineExecutionId: change.executionId,
    }),
  );
  const revision = pipelineExecution?.artifactRevisions?.[0];
  if (!revision?.revisionId) return;
  const title = revision.revisionSummary ? firstLine(revision.revisionSummary) : undefined;
  await recordProd(
    change.pipeline,
    {
      last: {
        revision: revision.revisionId,
        executionId: change.executionId,
        at,
        ...(title ? { title } : {}),
      },
    },
    deps,
  );
}
