import type { KnownBlock } from '@slack/types';

/** What Herald posts to an incoming webhook (and to a `response_url`). */
export interface SlackMessage {
  /** Plain-text fallback: notifications, screen readers, clients without Block Kit. */
  text: string;
  blocks: KnownBlock[];
  /** Only with `response_url`: replace the message the click came from. */
  replace_original?: boolean;
  response_type?: 'ephemeral' | 'in_channel';
}
