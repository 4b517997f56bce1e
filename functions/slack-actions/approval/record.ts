/**
 * Step 4 of a click: the decision goes to CodePipeline (PutApprovalResult, one try inside Slack's
 * 3-second window), unless the request has expired. CodePipeline's known refusals (already decided, expired, gone) are outcomes,
 * not faults. The approval token is never logged.
 */
import { type CodePipelineClient, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { awsErrorName } from '../../../shared/aws/clients';
import type { Log } from '../../../shared/lambda/logger';
import { type Click, whereOf } from '../click/schema';
import { approvalRefusal, type Decision, type Outcome, summaryOf } from './decide';

export async function recordDecision(
  click: Click,
  decision: Decision,
  comment: string | undefined,
  deps: { codePipeline: Pick<CodePipelineClient, 'send'>; log: Log; nowMs: number },
): Promise<Outcome> {
  const { payload, value } = click;
  const where = whereOf(click);
  // A request past its expiry cannot be decided: say so without asking CodePipeline.
  const expires = value.expires ? Date.parse(value.expires) : Number.NaN;
  if (expires <= deps.nowMs) {
    deps.log.info('Refused a click on an expired approval request', where);
    return { kind: 'expired' };
  }
  try {
    await deps.codePipeline.send(
      new PutApprovalResultCommand({
        pipelineName: value.pipeline,
        stageName: value.stage,
        actionName: value.action,
        token: value.token,
        result: {
          status: decision.status,
          summary: summaryOf(decision.status, { name: decision.approverName, id: payload.user.id }, comment),
        },
      }),
    );
    deps.log.info('Approval decided from Slack', { ...where, status: decision.status });
    return { kind: 'recorded', status: decision.status };
  } catch (error) {
    const refusal = approvalRefusal(error);
    if (refusal) {
      deps.log.info('CodePipeline refused the decision', { ...where, refusal: refusal.kind });
      return refusal;
    }
    deps.log.error('PutApprovalResult failed', { ...where, error: awsErrorName(error) });
    return { kind: 'failed', error: awsErrorName(error) };
  }
}
