/**
 * The only Slack I/O. Posts a message to an incoming webhook with a per-request timeout, honours
 * 429 `Retry-After`, retries 5xx and network errors with backoff inside the caller's deadline, and
 * treats other 4xx as permanent (Slack's error code is kept). Webhook URLs are never logged: the
 * caller names the target.
 * https://api.slack.com/messaging/webhooks#handling_errors
 */
import type { Log } from '../logger';
import { type HttpAnswer, type PostJson, postJson } from './http-post';
import type { SlackMessage } from './message';

export interface DeliverOptions {
  /** Epoch ms by which the delivery must be done or given up (the Lambda's remaining time). */
  deadline: number;
  /** Name of the target for logs (channel name), never the URL. */
  target: string;
  log: Log;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  post?: PostJson;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface DeliveryResult {
  attempts: number;
}

/** Slack said no, and saying it again will not help (e.g. `invalid_blocks`, `no_service`). */
export class SlackPermanentError extends Error {
  override name = 'SlackPermanentError';
  constructor(
    readonly status: number,
    readonly code: string,
    target: string,
  ) {
    super(`Slack rejected the message for "${target}": HTTP ${status} ${code}`);
  }
}

/** Slack could not be reached or stayed unavailable within the deadline. */
export class SlackUnavailableError extends Error {
  override name = 'SlackUnavailableError';
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function retryAfterMs(header: string | string[] | undefined): number {
  const seconds = Number(Array.isArray(header) ? header[0] : header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, 60) * 1000 : 1000;
}

function slackErrorCode(answer: HttpAnswer): string {
  // Webhooks answer with a bare code (`invalid_blocks`); keep it short and single-line for logs.
  return answer.body.trim().slice(0, 100).replace(/\s+/g, ' ') || `http_${answer.status}`;
}

export async function deliver(
  url: string,
  message: SlackMessage,
  options: DeliverOptions,
): Promise<DeliveryResult> {
  const {
    deadline,
    target,
    log,
    requestTimeoutMs = 5000,
    maxAttempts = 6,
    post = postJson,
    now = Date.now,
    sleep = wait,
  } = options;
  const body = JSON.stringify(message);
  let lastProblem = 'no attempt made';

  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    let response: HttpAnswer;
    try {
      response = await post(url, body, Math.min(requestTimeoutMs, remaining));
    } catch (error) {
      lastProblem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      log.warn('Slack request failed', { target, attempt, problem: lastProblem });
      if (!(await pause(BACKOFF_MS[attempt - 1] ?? 4000))) break;
      continue;
    }

    if (response.status >= 200 && response.status < 300) {
      if (attempt > 1) log.info('Slack message delivered after retries', { target, attempts: attempt });
      return { attempts: attempt };
    }
    const code = slackErrorCode(response);
    lastProblem = `HTTP ${response.status} ${code}`;
    if (response.status === 429) {
      const delay = retryAfterMs(response.headers['retry-after']);
      log.warn('Slack rate limited the message', { target, attempt, retryAfterMs: delay });
      if (!(await pause(delay))) break;
      continue;
    }
    if (response.status >= 500) {
      log.warn('Slack answered with a server error', { target, attempt, status: response.status, code });
      if (!(await pause(BACKOFF_MS[attempt - 1] ?? 4000))) break;
      continue;
    }
    throw new SlackPermanentError(response.status, code, target);
  }
  throw new SlackUnavailableError(
    `Slack message for "${target}" not delivered before the deadline: ${lastProblem}`,
  );

  /** Sleep if the deadline leaves room for the pause and another try; false when it does not. */
  async function pause(ms: number): Promise<boolean> {
    if (now() + ms >= deadline - 100) return false;
    await sleep(ms);
    return true;
  }
}
