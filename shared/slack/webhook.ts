/**
 * Posting to an incoming webhook (or a `response_url`, which takes the same POST) through
 * `@slack/webhook`'s `IncomingWebhook`, inside Herald's delivery policy (attempts.ts). Webhook URLs
 * are never logged: the caller names the target.
 * https://api.slack.com/messaging/webhooks#handling_errors
 */
import { IncomingWebhook, IncomingWebhookHTTPError, IncomingWebhookRequestError } from '@slack/webhook';
import { type AttemptOptions, type Failure, retryAfterMs, withinDeadline } from './attempts';
import { type FetchInit, nodeFetch } from './fetch';
import type { SlackMessage } from './message';

interface WebhookResult {
  attempts: number;
}

/** Webhooks answer with a bare code (`invalid_blocks`); keep it short and single-line for logs. */
function codeOf(body: string, status: number): string {
  return body.trim().slice(0, 100).replace(/\s+/g, ' ') || `http_${status}`;
}

function errorText(error: unknown): string {
  const cause = error instanceof IncomingWebhookRequestError ? error.original : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}

export async function postToWebhook(
  url: string,
  message: SlackMessage,
  options: AttemptOptions,
): Promise<WebhookResult> {
  // IncomingWebhookHTTPError keeps no headers: the fetch notes the last Retry-After itself.
  let retryAfter: string | null = null;
  const fetch = async (to: string | URL, init?: FetchInit) => {
    const answer = await nodeFetch(to, init);
    retryAfter = answer.headers.get('retry-after');
    return answer;
  };
  const classify = (error: unknown): Failure => {
    if (error instanceof IncomingWebhookHTTPError) {
      const code = codeOf(error.body, error.statusCode);
      if (error.statusCode === 429)
        return { type: 'rate-limited', retryAfterMs: retryAfterMs(retryAfter), status: 429, code };
      if (error.statusCode >= 500)
        return {
          type: 'transient',
          problem: `HTTP ${error.statusCode} ${code}`,
          status: error.statusCode,
          code,
        };
      return { type: 'permanent', status: error.statusCode, code };
    }
    return { type: 'transient', problem: errorText(error) };
  };
  const { attempts } = await withinDeadline(
    (timeout) => new IncomingWebhook(url, { fetch, timeout, retryConfig: { retries: 0 } }).send(message),
    classify,
    options,
  );
  return { attempts };
}
