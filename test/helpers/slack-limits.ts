import { checkSlackLimits } from '../../shared/slack/limits';
import type { SlackMessage } from '../../shared/slack/message';

/** Fails the test with every broken limit listed; every source's tests run it on every payload. */
export function assertSlackLimits(message: unknown): asserts message is SlackMessage {
  expect(message).toEqual(expect.objectContaining({ text: expect.any(String) }));
  expect(checkSlackLimits(message as SlackMessage)).toEqual([]);
}

export { visibleText } from '../../testkit/slack-text';

/** URLs of the message's buttons. */
export function buttonUrls(message: SlackMessage): string[] {
  return message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.flatMap((element) => (element.type === 'button' && element.url ? [element.url] : []))
      : [],
  );
}
