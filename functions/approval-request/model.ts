/**
 * What the approval request describer reads: the notification and the approval rule of the
 * routing config that governs it (none: nobody may decide from Slack), and what is being shipped.
 */

import type { Revision } from '../../shared/aws/revisions';
import { ruleFor } from '../../shared/decisions/approvals';
import { parseAwsDate } from '../../shared/input/time';
import type { ApprovalRule, RoutingConfig } from '../../shared/routing/schema';
import type { ApprovalNotification } from './schema';

export interface ApprovalRequest {
  notification: ApprovalNotification;
  rule?: ApprovalRule;
  /** Its expiry had passed when Herald read it (a late redelivery): nothing can be decided any more. */
  expired?: boolean;
}

export function modelsOf(
  notification: ApprovalNotification,
  routing: RoutingConfig,
  now: number,
): ApprovalRequest[] {
  const { pipelineName: pipeline, stageName: stage, actionName: action } = notification.approval;
  const expires = parseAwsDate(notification.approval.expires);
  const request: ApprovalRequest = { notification, rule: ruleFor({ pipeline, stage, action }, routing) };
  if (expires && expires.getTime() <= now) request.expired = true;
  return [request];
}

export interface ApprovalEnrichment {
  executionId?: string;
  revisions: Revision[];
  author?: { name?: string; email?: string };
  problems: string[];
}
