/**
 * What every click's answer is made of: the clicked message settled (its header, buttons and text
 * box replaced by what happened, links kept), a line only the clicker sees, and what was typed in
 * the message's text box (the approval comment, the rollback reason).
 */
import type { KnownBlock } from '@slack/types';
import { truncate } from '../../../shared/notice/text';
import type { SlackMessage } from '../../../shared/slack/message';
import { type Settled, settleBlocks } from '../../../shared/slack/settle';
import type { BlockActions } from './schema';

/** A line only the person who clicked sees; the message stays as it was for everyone else. */
export function ephemeral(text: string): SlackMessage {
  return { text, blocks: [], response_type: 'ephemeral', replace_original: false };
}

/** What was typed in one of the message's text boxes (comment, reason): one line, bounded. */
export function typedIn(payload: BlockActions, block: string, action: string): string | undefined {
  const value = payload.state?.values?.[block]?.[action]?.value?.trim();
  return value ? truncate(value.replace(/\s+/g, ' '), 300) : undefined;
}

/** The clicked message, settled: what happened in place of its offer (shared/slack/settle.ts). */
export function settledMessage(payload: BlockActions, parts: Settled): SlackMessage {
  return settleBlocks((payload.message?.blocks ?? []) as KnownBlock[], parts);
}
