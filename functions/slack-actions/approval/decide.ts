/**
 * Who may decide an approval (rule, approver list by Slack user id or user group, no
 * self-approval) and what CodePipeline's answers mean. Pure.
 */
import {
  APPROVE_ACTION,
  COMMENT_ACTION,
  COMMENT_BLOCK,
  normalizedIdentities,
  REJECT_ACTION,
  ruleFor,
} from '../../../shared/decisions/approvals';
import { truncate } from '../../../shared/notice/text';
import type { RoutingConfig } from '../../../shared/routing/schema';
import { type BlockActions, type Click, type Refusals, refusalOf } from '../click/schema';
import { typedIn } from '../click/settle';

const SUMMARY_MAX = 512;

export type Outcome =
  | { kind: 'recorded'; status: 'Approved' | 'Rejected' }
  | { kind: 'not-approver' }
  | { kind: 'self-approval' }
  | { kind: 'no-rule' }
  | { kind: 'already-decided' }
  | { kind: 'expired' }
  | { kind: 'gone'; what: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'failed'; error: string };

/** CodePipeline's answers that are a clear state of the approval, not a fault. */
const REFUSALS: Refusals<Outcome> = {
  ApprovalAlreadyCompletedException: () => ({ kind: 'already-decided' }),
  InvalidApprovalTokenException: () => ({ kind: 'expired' }),
  ActionNotFoundException: () => ({ kind: 'gone', what: 'approval action' }),
  StageNotFoundException: () => ({ kind: 'gone', what: 'stage' }),
  PipelineNotFoundException: () => ({ kind: 'gone', what: 'pipeline' }),
  ValidationException: (message) => ({ kind: 'invalid', message }),
};

/** What CodePipeline's answer means, when it is a state of the approval rather than a fault. */
export function approvalRefusal(error: unknown): Outcome | undefined {
  return refusalOf(error, REFUSALS);
}

export function commentOf(payload: BlockActions): string | undefined {
  return typedIn(payload, COMMENT_BLOCK, COMMENT_ACTION);
}

export function summaryOf(
  status: 'Approved' | 'Rejected',
  approver: { name: string; id: string },
  comment?: string,
): string {
  return truncate(
    `${status} in Slack by ${approver.name} (${approver.id})${comment ? `: ${comment}` : ''}`,
    SUMMARY_MAX,
  );
}

export interface Decision {
  status: 'Approved' | 'Rejected';
  approverName: string;
}

/**
 * Step 3 of a click: who may decide. The rule of the routing config that governs the approval
 * action; its approvers by Slack user id, never by display name; no self-approval where it says so.
 */
export function authorise(
  { payload, value }: Click,
  routing: RoutingConfig,
  /** The rule's user groups the clicker belongs to (app mode). */
  groups: Set<string> = new Set(),
): { ok: true; decision: Decision } | { ok: false; outcome: Outcome } {
  const rule = ruleFor({ pipeline: value.pipeline, stage: value.stage, action: value.action }, routing);
  if (!rule) return { ok: false, outcome: { kind: 'no-rule' } };
  const listed = rule.approvers.find((a) => a.slackUserId === payload.user.id);
  const group = rule.approverGroups?.find((g) => groups.has(g.slackGroupId));
  // A group member is known by the Slack names of the click (for no-self-approval, stricter is safe).
  const approver =
    listed ??
    (group
      ? { name: payload.user.name ?? payload.user.id, identities: [payload.user.username ?? ''] }
      : undefined);
  if (!approver) return { ok: false, outcome: { kind: 'not-approver' } };
  if (rule.noSelfApproval) {
    const mine = normalizedIdentities([approver.name, ...(approver.identities ?? [])]);
    if (value.authors.some((identity) => mine.has(identity.trim().toLowerCase())))
      return { ok: false, outcome: { kind: 'self-approval' } };
  }
  const status = payload.actions[0]?.action_id === APPROVE_ACTION ? 'Approved' : 'Rejected';
  return { ok: true, decision: { status, approverName: approver.name } };
}

export function isOurAction(actionId: string | undefined): boolean {
  return actionId === APPROVE_ACTION || actionId === REJECT_ACTION;
}
