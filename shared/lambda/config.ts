/**
 * The only reader of `process.env` (see DESIGN.md, "Run-time contract"). Everything else gets
 * configuration as arguments. A missing or invalid variable fails at cold start, naming it.
 */
import * as v from 'valibot';
import { once } from './container';

const envSchema = v.object({
  AWS_REGION: v.pipe(v.string(), v.minLength(1)),
  HERALD_STAGE: v.pipe(v.string(), v.regex(/^[a-z0-9-]+$/)),
  SLACK_WEBHOOK_URL: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:/))),
  SLACK_SIGNING_SECRET: v.optional(v.pipe(v.string(), v.minLength(8))),
  AWS_ENDPOINT_URL: v.optional(v.pipe(v.string(), v.url())),
  AWS_LAMBDA_FUNCTION_NAME: v.optional(v.string()),
  POWERTOOLS_IDEMPOTENCY_DISABLED: v.optional(v.string()),
  HERALD_STATE_TABLE: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.-]{3,255}$/))),
  SLACK_BOT_TOKEN: v.optional(v.pipe(v.string(), v.regex(/^xox[bp]-[A-Za-z0-9-]{6,}$/))),
  SLACK_CHANNEL: v.optional(v.pipe(v.string(), v.regex(/^[CGD][A-Z0-9]{2,}$/))),
  SLACK_API_URL: v.optional(v.pipe(v.string(), v.url(), v.regex(/^https?:/))),
  HERALD_CLOCK: v.optional(v.pipe(v.string(), v.isoTimestamp())),
  HERALD_WATCH: v.optional(v.string()),
  HERALD_CARD_SPACING_MS: v.optional(v.pipe(v.string(), v.regex(/^\d{1,5}$/))),
});

const list = v.optional(v.array(v.string()));
const watchSchema = v.object({
  repositories: list,
  buildProjects: list,
  pipelines: list,
  applications: list,
  clusters: list,
  services: list,
});

/**
 * What this Herald watches by default (set by serverless.yml from build-tools/watch.js): the lists
 * the routing file's `watch` leaves out; names or `prefix*`.
 */
export type WatchDefaults = v.InferOutput<typeof watchSchema>;

function readWatch(text: string | undefined): WatchDefaults | undefined {
  if (!text) return undefined;
  try {
    const result = v.safeParse(watchSchema, JSON.parse(text));
    if (result.success) return result.output;
  } catch {
    // Said below.
  }
  throw new ConfigError('HERALD_WATCH is not the watch lists serverless.yml sets: package again');
}

export interface HeraldConfig {
  region: string;
  stage: string;
  /** Local runs, tests and one-channel setups: every message goes here, SSM is not read. */
  webhookOverride?: string;
  signingSecretOverride?: string;
  /** DynamoDB table of the flood gate and the delivery log; without it, neither is used. */
  stateTable?: string;
  /** POWERTOOLS_IDEMPOTENCY_DISABLED=true: no delivery log (local runs, unit tests). */
  deliveryLogDisabled: boolean;
  /** Running inside Lambda (not `npm start`, not a test). */
  inLambda: boolean;
  /** App mode for local runs and tests: every message to this channel id with this token, SSM not read. */
  appOverride?: { token: string; channel: string };
  /** Base URL of Slack's Web API, with its trailing slash. */
  slackApiUrl?: string;
  /** Local runs only (HERALD_CLOCK): the moment the samples happened, for what depends on "now". */
  clock?: number;
  /** The watch lists' defaults; without them (local runs, tests), everything is watched. */
  watch?: WatchDefaults;
  /** Local runs and tests only: the spacing of a card's updates (default 2.5 s). */
  cardSpacingMs?: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function readConfig(env: NodeJS.ProcessEnv): HeraldConfig {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = v.safeParse(envSchema, cleaned);
  if (!result.success) {
    const names = [...new Set(result.issues.map((issue) => String(issue.path?.[0]?.key)))];
    throw new ConfigError(`Invalid or missing environment variable(s): ${names.join(', ')}`);
  }
  const env_ = result.output;
  if (Boolean(env_.SLACK_BOT_TOKEN) !== Boolean(env_.SLACK_CHANNEL)) {
    throw new ConfigError('SLACK_BOT_TOKEN and SLACK_CHANNEL go together: set both, or neither');
  }
  for (const name of ['HERALD_CLOCK', 'HERALD_CARD_SPACING_MS'] as const) {
    if (env_[name] && env_.AWS_LAMBDA_FUNCTION_NAME !== undefined)
      throw new ConfigError(`${name} is for local runs only: remove it from the function`);
  }
  const apiUrl = env_.SLACK_API_URL;
  return {
    region: env_.AWS_REGION,
    stage: env_.HERALD_STAGE,
    webhookOverride: env_.SLACK_WEBHOOK_URL,
    signingSecretOverride: env_.SLACK_SIGNING_SECRET,
    stateTable: env_.HERALD_STATE_TABLE,
    deliveryLogDisabled: env_.POWERTOOLS_IDEMPOTENCY_DISABLED === 'true',
    inLambda: env_.AWS_LAMBDA_FUNCTION_NAME !== undefined,
    appOverride:
      env_.SLACK_BOT_TOKEN && env_.SLACK_CHANNEL
        ? { token: env_.SLACK_BOT_TOKEN, channel: env_.SLACK_CHANNEL }
        : undefined,
    slackApiUrl: apiUrl ? (apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`) : undefined,
    clock: env_.HERALD_CLOCK ? Date.parse(env_.HERALD_CLOCK) : undefined,
    watch: readWatch(env_.HERALD_WATCH),
    cardSpacingMs: env_.HERALD_CARD_SPACING_MS ? Number(env_.HERALD_CARD_SPACING_MS) : undefined,
  };
}

/** The configuration of this container, read once. */
export const getConfig = once(() => readConfig(process.env));
