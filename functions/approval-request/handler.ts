/**
 * Manual approval requests → Slack, with Approve / Reject buttons.
 * Trigger: the SNS topic of the pipeline's manual approval action.
 * Message format: https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */
import type { Context } from 'aws-lambda';
import { ruleFor } from '../../shared/approvals';
import { codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { createRuntime, notify, publishRejected } from '../../shared/runtime';
import { describeApprovalRequest } from './describe';
import { enrichApproval } from './enrich';
import { approvalNotificationSchema } from './schema';

export async function handleApprovalRequests(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, approvalNotificationSchema);
  await publishRejected('approval', rejected, runtime);
  for (const notification of events) {
    const { pipelineName: pipeline, stageName: stage, actionName: action } = notification.approval;
    const rule = ruleFor({ pipeline, stage, action }, runtime.routing);
    // Never log the token: only where the approval waits.
    runtime.log.info('Approval requested', { pipeline, stage, action, rule: rule?.environment ?? 'none' });
    await notify(
      runtime,
      describeApprovalRequest(notification, { revisions: [], problems: [] }, rule),
      async () =>
        describeApprovalRequest(
          notification,
          await enrichApproval(notification, {
            codePipeline: codePipelineClient(),
            codeCommit: codeCommitClient(),
            log: runtime.log,
          }),
          rule,
        ),
    );
  }
}

export const handler = withHerald('approvalRequest', handleApprovalRequests);
