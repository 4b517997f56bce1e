/**
 * What the approval request describer reads: the notification and the approval rule of the
 * routing config that governs it (none: nobody may decide from Slack), and what is being shipped.
 */

import type { Revision } from '../../shared/aws/revisions';
import { ruleFor } from '../../shared/decisions/approvals';
import { parseAwsDate } from '../../shared/input/time';
import type { ProdRecord, Ships, WorkingHours } from '../../shared/releases/ships';
import type { ApprovalRule, RoutingConfig } from '../../shared/routing/schema';
import type { ApprovalNotification } from './schema';

export interface ApprovalRequest {
  notification: ApprovalNotification;
  rule?: ApprovalRule;
  /** Its expiry had passed when Herald read it (a late redelivery): nothing can be decided any more. */
  expired?: boolean;
  /** When Herald read it (epoch ms): risk signals are judged then. */
  at: number;
  /** The routing file's people by their identities (names, emails): authors are mentioned by id. */
  people: Array<{ slackUserId: string; identities: string[] }>;
  workingHours?: WorkingHours;
}

/** Everyone the routing file names (approvers, who may roll back, `people`), with their identities. */
function peopleOf(routing: RoutingConfig): ApprovalRequest['people'] {
  const everyone = [
    ...(routing.approvals?.rules ?? []).flatMap((rule) => rule.approvers),
    ...(routing.rollbacks?.rules ?? []).flatMap((rule) => rule.allowed),
    ...(routing.people ?? []),
  ];
  return everyone.map((person) => {
    const identities = 'identities' in person && Array.isArray(person.identities) ? person.identities : [];
    return {
      slackUserId: person.slackUserId,
      identities: [person.name, ...identities].map((identity: string) => identity.trim().toLowerCase()),
    };
  });
}

export function modelsOf(
  notification: ApprovalNotification,
  routing: RoutingConfig,
  now: number,
): ApprovalRequest[] {
  const { pipelineName: pipeline, stageName: stage, actionName: action } = notification.approval;
  const expires = parseAwsDate(notification.approval.expires);
  const request: ApprovalRequest = {
    notification,
    rule: ruleFor({ pipeline, stage, action }, routing),
    at: now,
    people: peopleOf(routing),
    ...(routing.workingHours ? { workingHours: routing.workingHours } : {}),
  };
  if (expires && expires.getTime() <= now) request.expired = true;
  return [request];
}

export interface ApprovalEnrichment {
  executionId?: string;
  revisions: Revision[];
  author?: { name?: string; email?: string };
  /** What ships since prod (the commits between, files changed), once per release. */
  ships?: Ships;
  /** What Herald knows of prod's last releases (its last failure: a risk signal). */
  prod?: ProdRecord;
  problems: string[];
}
