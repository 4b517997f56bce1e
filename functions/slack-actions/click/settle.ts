/**
 * What every click's answer is made of: the clicked message settled (its header, buttons and text
 * box replaced by what happened, links kept), a line only the clicker sees, and what was typed in
 * the message's text box (the approval comment, the rollback reason).
 */
import type { KnownBlock } from '@slack/types';
import { truncate } from '../../../shared/notice/text';
import type { SlackMessage } from '../../../shared/slack/message';
import { escapeText } from '../../../shared/slack/text';
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
