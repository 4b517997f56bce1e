/**
 * Slack's Web API (`chat.postMessage`, `chat.update`) through `@slack/web-api`'s `WebClient`,
 * inside Herald's delivery policy (attempts.ts): the client's own retries are off and a rate limit
 * is handed back (`rejectRateLimitedCalls`), so Herald waits a `Retry-After` only when it fits
 * the Lambda's remaining time. The token is never logged; `SLACK_API_URL` points at a local
 * stand-in in tests and local runs.
 * https://api.slack.com/methods/chat.postMessage · https://api.slack.com/methods/chat.update
 */
import type { KnownBlock } from '@slack/types';
import {
  type Logger,
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import type { Log } from '../lambda/logger';
import { type AttemptOptions, type Failure, withinDeadline } from './attempts';
import { nodeFetch } from './fetch';
import type { SlackMessage } from './message';

const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

/** Platform errors that are Slack's trouble, not the request's: worth another try. */
const TRANSIENT_CODES = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Where a Web API message goes: a channel, optionally as a reply in a thread, or over an earlier message. */
export interface WebApiTarget {
  token: string;
  channel: string;
  apiUrl?: string;
  /** Reply in this message's thread. */
  threadTs?: string;
  /** With `threadTs`: also show the reply in the channel. */
  broadcast?: boolean;
  /** Replace this message (`chat.update`) instead of posting a new one. */
  updateTs?: string;
  /** Delete this message of the bot's own (`chat.delete`): a push message moved into a thread. */
  deleteTs?: string;
}

interface WebApiResult {
  channel: string;
  ts: string;
  attempts: number;
}

/** The client talks to Herald's log, never to the console, and only about itself (no bodies). */
function quietLogger(log: Log): Logger {
  const said = (...words: unknown[]) =>
    log.debug('Slack Web API client', { said: words.map(String).join(' ') });
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: said,
    error: said,
    setLevel: () => undefined,
    getLevel: () => LogLevel.WARN,
    setName: () => undefined,
  };
}

/**
 * A client for one attempt: its timeout is what the deadline leaves, its own retries are off and a
 * rate limit comes back to Herald's policy (attempts.ts) instead of being slept out.
 */
function clientFor(token: string, apiUrl: string, timeout: number, log: Log): WebClient {
  return new WebClient(token, {
    slackApiUrl: apiUrl,
    fetch: nodeFetch,
    timeout,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: quietLogger(log),
    allowAbsoluteUrls: false,
  });
}

function classifyWebApiError(error: unknown): Failure {
  if (error instanceof WebAPIRateLimitedError)
    return { type: 'rate-limited', retryAfterMs: error.retryAfter * 1000, status: 429, code: 'ratelimited' };
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error).slice(0, 100);
    if (code === 'ratelimited') return { type: 'rate-limited', retryAfterMs: 1000, status: 200, code };
    if (TRANSIENT_CODES.has(code)) return { type: 'transient', problem: code, status: 200, code };
    return { type: 'permanent', status: 200, code };
  }
  if (error instanceof WebAPIHTTPError) {
    const code = `http_${error.statusCode}`;
    if (error.statusCode >= 500) return { type: 'transient', problem: code, status: error.statusCode, code };
    return { type: 'permanent', status: error.statusCode, code };
  }
  const cause = error instanceof WebAPIRequestError ? error.original : error;
  return {
    type: 'transient',
    problem: cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause),
  };
}

export async function postToWebApi(
  target: WebApiTarget,
  message: SlackMessage,
  options: AttemptOptions,
): Promise<WebApiResult> {
  const { token, channel, apiUrl = DEFAULT_SLACK_API_URL } = target;
  const blocks = message.blocks as KnownBlock[];
  const { value, attempts } = await withinDeadline(
    async (timeout) => {
      const client = clientFor(token, apiUrl, timeout, options.log);
      const content = { channel, text: message.text, blocks };
      const unfurl = { unfurl_links: false, unfurl_media: false };
      if (target.deleteTs) {
        await client.chat.delete({ channel, ts: target.deleteTs });
        return { channel, ts: target.deleteTs };
      }
      const answer = target.updateTs
        ? await client.chat.update({ ...content, ts: target.updateTs })
        : target.threadTs
          ? await client.chat.postMessage({
              ...content,
              ...unfurl,
              thread_ts: target.threadTs,
              reply_broadcast: target.broadcast ?? false,
            })
          : await client.chat.postMessage({ ...content, ...unfurl });
      return { channel: answer.channel ?? channel, ts: answer.ts ?? target.updateTs ?? '' };
    },
    classifyWebApiError,
    options,
  );
  return { ...value, attempts };
}

/** The user ids of a Slack user group (`usergroups.users.list`, scope `usergroups:read`). */
export async function listGroupMembers(
  target: { token: string; group: string; apiUrl?: string },
  options: AttemptOptions,
): Promise<string[]> {
  const { value } = await withinDeadline(
    async (timeout) => {
      const client = clientFor(target.token, target.apiUrl ?? DEFAULT_SLACK_API_URL, timeout, options.log);
      const answer = await client.usergroups.users.list({ usergroup: target.group });
      return answer.users ?? [];
    },
    classifyWebApiError,
    options,
  );
  return value;
}
