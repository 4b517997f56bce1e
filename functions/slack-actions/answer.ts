/**
 * Step 5 of a click: the message is updated through the click's `response_url` (Slack wants the
 * HTTP answer itself within 3 seconds, so this is bounded well inside that). The URL comes from a
 * verified request; still, only Slack (or a loopback stand-in) is called.
 */
import { awsErrorName } from '../../shared/aws/clients';
import type { Log } from '../../shared/logger';
import type { SlackMessage } from '../../shared/slack/message';
import { postToWebhook } from '../../shared/slack/webhook';
import { type Click, whereOf } from './schema';

function isSlackResponseUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname);
  } catch {
    return false;
  }
}

export async function answerClick(
  click: Click,
  message: SlackMessage | undefined,
  options: { remainingMs: number; log: Log },
): Promise<void> {
  if (!message) return;
  const { log } = options;
  const { payload } = click;
  const where = whereOf(click);
  if (!isSlackResponseUrl(payload.response_url)) {
    log.warn('No usable response_url; the message cannot be updated', where);
    return;
  }
  const deadline = Date.now() + Math.min(1500, Math.max(300, options.remainingMs - 500));
  await postToWebhook(payload.response_url, message, {
    deadline,
    target: 'response_url',
    log,
    requestTimeoutMs: 1200,
  }).catch((error: unknown) => {
    log.error('Could not update the Slack message', { ...where, error: awsErrorName(error) });
  });
}
