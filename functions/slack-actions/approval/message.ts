/**
 * What an approval click shows: the request settled with its outcome (who decided, when, the
 * comment; or why it is closed), or a line only the clicker sees when nothing changed.
 */

import type { ApprovalValue } from '../../../shared/decisions/button-value';
import { formatUtcClock } from '../../../shared/input/time';
import { truncate } from '../../../shared/notice/text';
import type { SlackMessage } from '../../../shared/slack/message';
import { escapeText } from '../../../shared/slack/text';
import type { BlockActions } from '../click/schema';
import { ephemeral, settledMessage } from '../click/settle';
import type { Decision, Outcome } from './decide';

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
  return line ? ephemeral(line) : undefined;
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
    title: `*${escapeText(value.pipeline)}* → ${escapeText(value.environment || value.stage)}`,
  });
}
