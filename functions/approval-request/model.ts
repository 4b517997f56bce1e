/**
 * What the approval request describer reads: the notification and the approval rule of the
 * routing config that governs it (none: nobody may decide from Slack), and what is being shipped.
 */
import { ruleFor } from '../../shared/approvals';
import type { Revision } from '../../shared/aws/revisions';
import type { ApprovalRule, RoutingConfig } from '../../shared/routing/schema';
import type { ApprovalNotification } from './schema';

export interface ApprovalRequest {
  notification: ApprovalNotification;
  rule?: ApprovalRule;
}

export function modelsOf(notification: ApprovalNotification, routing: RoutingConfig): ApprovalRequest[] {
  const { pipelineName: pipeline, stageName: stage, actionName: action } = notification.approval;
  return [{ notification, rule: ruleFor({ pipeline, stage, action }, routing) }];
}

export interface ApprovalEnrichment {
  executionId?: string;
  revisions: Revision[];
  author?: { name?: string; email?: string };
  problems: string[];
}
