/**
 * Manual approval requests → Slack, with Approve / Reject buttons.
 * Trigger: the SNS topic of the pipeline's manual approval action.
 * Message format: https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */
import { codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { pipelineReader } from '../../shared/aws/pipelines';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { environmentOf } from '../../shared/routing/route';
import { describeApprovalRequest } from './describe';
import { enrichApproval } from './enrich';
import { modelsOf } from './model';
import { approvalNotificationSchema } from './schema';

const handleApprovalRequests = eventHandler(
  'approval',
  approvalNotificationSchema,
  modelsOf,
  {
    describe: describeApprovalRequest,
    enrich: (request, { log, pipelines, routing }) =>
      enrichApproval(request, {
        codePipeline: codePipelineClient(),
        codeCommit: codeCommitClient(),
        log,
        ships: pipelines && { pipelines, environmentOf: (group) => environmentOf(group, routing) },
      }),
  },
  { pipelines: pipelineReader() },
);

export const handler = withHerald('approvalRequest', handleApprovalRequests);
