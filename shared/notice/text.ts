/** Plain-text helpers shared by describers, AWS readers and rendering alike (nothing Slack-specific). */

export const ELLIPSIS = '…';

/** Cut plain text to `max` characters with a visible ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 1) return ELLIPSIS.slice(0, max);
  return `${text.slice(0, max - 1).trimEnd()}${ELLIPSIS}`;
}

/** First line of a multi-line text (commit messages), trimmed. */
export function firstLine(text: string): string {
  return (text.split(/\r?\n/, 1)[0] ?? '').trim();
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
