import type { SlackMessage } from '../shared/slack/message';

/** All text a reader can see in a message (block texts, fields, buttons), for content assertions. */
export function visibleText(message: SlackMessage): string {
  const parts: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'text' && typeof inner === 'string') parts.push(inner);
        else walk(inner);
      }
    }
  };
  walk(message.blocks);
  return parts.join('\n');
}
