/**
 * Manual approval requests → Slack, with Approve / Reject buttons.
 * Trigger: the SNS topic of the pipeline's manual approval action.
 * Message format: https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */
import { codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { describeApprovalRequest } from './describe';
import { enrichApproval } from './enrich';
import { modelsOf } from './model';
import { approvalNotificationSchema } from './schema';

const handleApprovalRequests = eventHandler('approval', approvalNotificationSchema, modelsOf, {
  describe: describeApprovalRequest,
  enrich: (request, { log }) =>
    enrichApproval(request, { codePipeline: codePipelineClient(), codeCommit: codeCommitClient(), log }),
});

export const handler = withHerald('approvalRequest', handleApprovalRequests);
