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

/**
 * The request once decided: its header and offer replaced by who decided, when, and why. Anything
 * else (already decided, expired, gone, refused) answers only the person who clicked.
 */
export function outcomeMessage(
  payload: BlockActions,
  value: ApprovalValue,
  outcome: Outcome,
  decision: Decision | undefined,
  comment: string | undefined,
  now: Date,
): SlackMessage | undefined {
  const where = `${value.pipeline} → ${value.environment || value.stage}`;
  switch (outcome.kind) {
    case 'recorded': {
      const approved = outcome.status === 'Approved';
      const icon = approved ? ':white_check_mark:' : ':no_entry:';
      return settledMessage(payload, {
        headline: `${approved ? ':white_check_mark: Approved' : ':no_entry: Rejected'}: ${where}`,
        line: `${icon} *${outcome.status}* by <@${payload.user.id}> at ${formatUtcClock(now)}${comment ? ` — ${escapeText(comment)}` : ''}`,
        fallback: `${outcome.status} by ${decision?.approverName ?? payload.user.id}`,
        title: `*${escapeText(value.pipeline)}* → ${escapeText(value.environment || value.stage)}`,
      });
    }
    case 'already-decided':
      return ephemeral(
        'This approval was already decided (in Slack or in the console). Nothing was changed.',
      );
    case 'expired':
      return ephemeral(
        'This approval request has expired or was replaced by a newer run. Nothing was changed.',
      );
    case 'gone':
      return ephemeral(`The ${outcome.what} no longer exists in ${value.pipeline}. Nothing was changed.`);
    case 'invalid':
      return ephemeral(`CodePipeline refused the decision: ${truncate(outcome.message, 300)}`);
    default:
      return undefined;
  }
}
