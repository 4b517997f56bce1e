/**
 * Text helpers for Slack mrkdwn. Anything that came from users or AWS goes through `escapeText`
 * so it cannot form mentions (`<!here>`) or links.
 * https://api.slack.com/reference/surfaces/formatting#escaping
 */

import { truncate } from '../notice/text';

export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A URL safe to place inside `<url|label>`: the characters that end or split the link are encoded. */
export function safeUrl(url: string): string {
  return url.replace(/[<>| ]/g, (c) => encodeURIComponent(c));
}

/** `<url|label>` with the label escaped; a label without url is just escaped text. */
export function link(label: string, url?: string): string {
  return url ? `<${safeUrl(url)}|${escapeText(label)}>` : escapeText(label);
}

/** Length of `text` once escaped, so budgets are measured on what Slack receives. */
function escapedLength(text: string): number {
  return escapeText(text).length;
}

/** Cut plain text so that its escaped form fits in `max` characters. */
export function truncateEscaped(text: string, max: number): string {
  if (escapedLength(text) <= max) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (escapedLength(truncate(text, mid)) <= max) low = mid;
    else high = mid - 1;
  }
  return truncate(text, low);
}
