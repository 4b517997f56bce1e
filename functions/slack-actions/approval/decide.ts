/**
 * The decision on a verified click: who may decide (rule, approver list by Slack user id, no
 * self-approval), what CodePipeline says, and the message that replaces the buttons. Pure apart
 * from `record`, the one call into CodePipeline, which is passed in.
 */
import type { KnownBlock } from '@slack/types';
import {
  APPROVE_ACTION,
  COMMENT_ACTION,
  COMMENT_BLOCK,
  normalizedIdentities,
  REJECT_ACTION,
  ruleFor,
} from '../../../shared/decisions/approvals';
import type { ApprovalValue } from '../../../shared/decisions/button-value';
import { formatUtcClock } from '../../../shared/input/time';
import { truncate } from '../../../shared/notice/text';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackMessage } from '../../../shared/slack/message';
import { escapeText } from '../../../shared/slack/text';
import type { BlockActions, Click } from '../click/schema';

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
const KNOWN_REFUSALS: Record<string, (message: string) => Outcome> = {
  ApprovalAlreadyCompletedException: () => ({ kind: 'already-decided' }),
  InvalidApprovalTokenException: () => ({ kind: 'expired' }),
  ActionNotFoundException: () => ({ kind: 'gone', what: 'approval action' }),
  StageNotFoundException: () => ({ kind: 'gone', what: 'stage' }),
  PipelineNotFoundException: () => ({ kind: 'gone', what: 'pipeline' }),
  ValidationException: (message) => ({ kind: 'invalid', message }),
};

export function refusalOf(error: unknown): Outcome | undefined {
  if (!(error instanceof Error)) return undefined;
  return KNOWN_REFUSALS[error.name]?.(error.message);
}

/** What was typed in one of the message's text boxes (comment, reason): one line, bounded. */
export function typedIn(payload: BlockActions, block: string, action: string): string | undefined {
  const value = payload.state?.values?.[block]?.[action]?.value?.trim();
  return value ? truncate(value.replace(/\s+/g, ' '), 300) : undefined;
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

/** What the person who clicked is told, only to them (the message stays as it was). */
export function ephemeralReply(outcome: Outcome, environment: string): SlackMessage | undefined {
  const where = environment || 'this approval';
  const text: Partial<Record<Outcome['kind'], string>> = {
    'not-approver': `You are not an approver for ${where}. Nothing was changed.`,
    'self-approval': `You made this change, so someone else has to approve it for ${where}. Nothing was changed.`,
    'no-rule':
      'No approval rule of Herald covers this action, so nobody can decide it from Slack. Nothing was changed.',
    failed:
      'Herald could not record your decision in CodePipeline (it was logged). Please try again in a moment.',
  };
  const line = text[outcome.kind];
  return line ? { text: line, blocks: [], response_type: 'ephemeral', replace_original: false } : undefined;
}

/** The header of a decided (or no longer open) request: what happened, to what. */
function headlineOf(outcome: Outcome, value: ApprovalValue): string {
  const where = `${value.pipeline} → ${value.environment || value.stage}`;
  return outcome.kind === 'recorded'
    ? `${outcome.status === 'Approved' ? ':white_check_mark: Approved' : ':no_entry: Rejected'}: ${where}`
    : `:information_source: Approval closed: ${where}`;
}

/** The original message with its header, buttons and comment box replaced by what happened. */
export function outcomeMessage(
  payload: BlockActions,
  value: ApprovalValue,
  outcome: Outcome,
  decision: Decision | undefined,
  comment: string | undefined,
  now: Date,
): SlackMessage | undefined {
  let line: string;
  let fallback: string;
  switch (outcome.kind) {
    case 'recorded': {
      const icon = outcome.status === 'Approved' ? ':white_check_mark:' : ':no_entry:';
      line = `${icon} *${outcome.status}* by <@${payload.user.id}> at ${formatUtcClock(now)}${comment ? ` — ${escapeText(comment)}` : ''}`;
      fallback = `${outcome.status} by ${decision?.approverName ?? payload.user.id}`;
      break;
    }
    case 'already-decided':
      line =
        ':information_source: This approval was already decided (in Slack or in the console). Nothing was changed.';
      fallback = 'This approval was already decided.';
      break;
    case 'expired':
      line =
        ':hourglass: This approval request has expired or was replaced by a newer run. Nothing was changed.';
      fallback = 'This approval request has expired.';
      break;
    case 'gone':
      line = `:information_source: The ${outcome.what} no longer exists in ${escapeText(value.pipeline)}. Nothing was changed.`;
      fallback = `The ${outcome.what} no longer exists.`;
      break;
    case 'invalid':
      line = `:warning: CodePipeline refused the decision: ${escapeText(truncate(outcome.message, 300))}`;
      fallback = 'CodePipeline refused the decision.';
      break;
    default:
      return undefined;
  }
  return settledMessage(payload, {
    headline: headlineOf(outcome, value),
    line,
    fallback,
    isOurs: isOurAction,
    inputBlock: COMMENT_BLOCK,
    title: `*${escapeText(value.pipeline)}* → ${escapeText(value.environment || value.stage)}`,
  });
}

/**
 * The clicked message with its header, its buttons and its text input replaced by what happened
 * (links stay). `title` stands in when the original blocks are not in the payload.
 */
export function settledMessage(
  payload: BlockActions,
  parts: {
    headline: string;
    line: string;
    fallback: string;
    isOurs: (actionId: string) => boolean;
    inputBlock: string;
    title: string;
  },
): SlackMessage {
  const original = (payload.message?.blocks ?? []) as KnownBlock[];
  const headline = truncate(parts.headline, 150);
  const kept = original.flatMap((block): KnownBlock[] => {
    // The header carries the outcome: no "Approval needed" is left behind.
    if (block.type === 'header')
      return [{ type: 'header', text: { type: 'plain_text', text: headline, emoji: true } }];
    if (block.type === 'input' && block.block_id === parts.inputBlock) return [];
    if (block.type === 'actions') {
      const elements = block.elements.filter((e) => !('action_id' in e && parts.isOurs(e.action_id ?? '')));
      return elements.length > 0 ? [{ ...block, elements }] : [];
    }
    return [block];
  });
  const outcomeBlock: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: parts.line } };
  const base =
    kept.length > 0 ? kept : [{ type: 'section', text: { type: 'mrkdwn', text: parts.title } } as KnownBlock];
  return {
    replace_original: true,
    text: escapeText(parts.fallback),
    blocks: [...base.slice(0, 48), outcomeBlock],
  };
}
