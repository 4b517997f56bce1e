/**
 * Pure: a posted message once its step has settled (a decision taken, a deployment ended). The
 * header says the outcome; the lead that described the open offer ("Traffic now goes to the new
 * task set…", "waits for your decision") gives way to what is true now; buttons that call Herald
 * and text boxes go; links stay. Used for the clicked message and for the replies in a release
 * thread that offered buttons.
 */
import type { KnownBlock } from '@slack/types';
import { truncate } from '../notice/text';
import type { SlackMessage } from './message';
import { escapeText } from './text';

/** The block id of a lead that only holds while the message's offer is open. */
export const OFFER_LEAD_BLOCK = 'herald-offer-lead';

export interface Settled {
  /** The new header (plain text). */
  headline: string;
  /** What happened, in mrkdwn (escaped by the caller). */
  line: string;
  /** The plain-text fallback. */
  fallback: string;
  /** Stands in (mrkdwn) when the original blocks are unknown. */
  title: string;
}

export function settleBlocks(original: KnownBlock[], parts: Settled): SlackMessage {
  const headline = truncate(parts.headline, 150);
  const outcomeBlock: KnownBlock = { type: 'section', text: { type: 'mrkdwn', text: parts.line } };
  let placed = false;
  const kept = original.flatMap((block): KnownBlock[] => {
    // The header carries the outcome: no "Approval needed" is left behind.
    if (block.type === 'header')
      return [{ type: 'header', text: { type: 'plain_text', text: headline, emoji: true } }];
    if (block.type === 'section' && block.block_id === OFFER_LEAD_BLOCK) {
      placed = true;
      return [outcomeBlock];
    }
    if (block.type === 'input') return [];
    if (block.type === 'actions') {
      // Links stay; the buttons that call back into Herald go.
      const elements = block.elements.filter((e) => e.type === 'button' && 'url' in e && e.url);
      return elements.length > 0 ? [{ ...block, elements }] : [];
    }
    return [block];
  });
  const base =
    kept.length > 0 ? kept : [{ type: 'section', text: { type: 'mrkdwn', text: parts.title } } as KnownBlock];
  return {
    replace_original: true,
    text: escapeText(parts.fallback),
    blocks: placed ? base.slice(0, 50) : [...base.slice(0, 49), outcomeBlock],
  };
}
