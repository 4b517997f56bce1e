/**
 * Herald's delivery policy, the same around every Slack client: each attempt gets at most
 * `requestTimeoutMs` and never more than what is left before the deadline (the Lambda's remaining
 * time); a 429 waits for its `Retry-After` when that still fits; 5xx and network errors retry with
 * backoff; anything else is permanent and keeps Slack's error code. The clients' own retries are
 * off, because neither can see the deadline: `@slack/webhook` fails a 429 at once, and
 * `@slack/web-api` would sleep out any `Retry-After` and retry for about 30 minutes.
 * https://api.slack.com/apis/rate-limits
 */
import type { Log } from '../lambda/logger';

/** What one failed attempt means for the next one. */
export type Failure =
  | { type: 'rate-limited'; retryAfterMs: number; status: number; code: string }
  | { type: 'transient'; problem: string; status?: number; code?: string }
  | { type: 'permanent'; status: number; code: string };

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

/** Slack's rate limit held past what the caller would wait (`Retry-After`, in ms). */
export class SlackRateLimitedError extends SlackUnavailableError {
  override name = 'SlackRateLimitedError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

export interface AttemptOptions {
  /** Epoch ms by which the delivery must be done or given up. */
  deadline: number;
  /** Name of the target for logs (channel names), never a URL or a token. */
  target: string;
  log: Log;
  requestTimeoutMs?: number;
  maxAttempts?: number;
  /** false: a 429 is not waited out but thrown at once (a card update a later one will replace). */
  waitOutRateLimits?: boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
/** A Retry-After longer than this is not waited for, whatever the deadline says. */
const MAX_RETRY_AFTER_MS = 60_000;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Seconds from a `Retry-After` header; 1 s when it says nothing usable. */
export function retryAfterMs(header: string | null | undefined): number {
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 && header !== null && header !== undefined && header !== ''
    ? Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
    : 1000;
}

/**
 * Runs `attempt` (given its timeout in ms) until it succeeds, fails for good, or the deadline
 * leaves no room; `classify` turns the client's errors into a `Failure`.
 */
export async function withinDeadline<T>(
  attempt: (timeoutMs: number) => Promise<T>,
  classify: (error: unknown) => Failure,
  options: AttemptOptions,
): Promise<{ value: T; attempts: number }> {
  const {
    deadline,
    target,
    log,
    requestTimeoutMs = 5000,
    maxAttempts = 6,
    waitOutRateLimits = true,
    now = Date.now,
    sleep = wait,
  } = options;
  let lastProblem = 'no attempt made';
  for (let tries = 1; tries <= maxAttempts; tries++) {
    const remaining = deadline - now();
    if (remaining <= 0) break;
    try {
      const value = await attempt(Math.min(requestTimeoutMs, remaining));
      if (tries > 1) log.info('Slack message delivered after retries', { target, attempts: tries });
      return { value, attempts: tries };
    } catch (error) {
      const failure = classify(error);
      if (failure.type === 'permanent') throw new SlackPermanentError(failure.status, failure.code, target);
      if (failure.type === 'rate-limited') {
        lastProblem = `HTTP ${failure.status} ${failure.code}`;
        log.warn('Slack rate limited the message', {
          target,
          attempt: tries,
          retryAfterMs: failure.retryAfterMs,
        });
        if (!waitOutRateLimits || !(await pause(failure.retryAfterMs)))
          throw new SlackRateLimitedError(
            `Slack message for "${target}" not delivered before the deadline: ${lastProblem}`,
            failure.retryAfterMs,
          );
        continue;
      }
      lastProblem = failure.problem;
      log.warn('Slack request failed', {
        target,
        attempt: tries,
        problem: failure.problem,
        status: failure.status,
        slackError: failure.code,
      });
      if (!(await pause(BACKOFF_MS[tries - 1] ?? 4000))) break;
    }
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
