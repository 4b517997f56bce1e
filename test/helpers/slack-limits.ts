import { checkSlackLimits } from '../../shared/slack/limits';
import type { SlackMessage } from '../../shared/slack/message';

/** Fails the test with every broken limit listed; every source's tests run it on every payload. */
export function assertSlackLimits(message: unknown): asserts message is SlackMessage {
  expect(message).toEqual(expect.objectContaining({ text: expect.any(String) }));
  expect(checkSlackLimits(message as SlackMessage)).toEqual([]);
}

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

/** URLs of the message's buttons. */
export function buttonUrls(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.flatMap((element) => (element.type === 'button' && element.url ? [element.url] : []))
      : [],
  );
}
