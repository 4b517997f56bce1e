/**
 * Runs every sample event in `events/` through its real handler, with Slack on a local receiver
 * and AWS on a local stand-in reached over HTTP by the real SDK. `npm start` and the browser
 * preview show the result; nothing leaves 127.0.0.1 unless a real webhook is given to send to.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { resetForTests } from '../shared/lambda/container';
import { logger } from '../shared/lambda/logger';
import { checkSlackLimits } from '../shared/slack/limits';
import type { SlackMessage } from '../shared/slack/message';
import { type AwsStandIn, type RecordedResponses, startAwsStandIn } from './aws-stand-in';
import { captureLogs } from './capture-logs';
import { lambdaContext } from './lambda-context';
import { CLICK_TIME, TEST_SIGNING_SECRET } from './slack-interaction';
import { type SlackServer, startSlackServer } from './slack-receiver';
import { type StateTableServer, startStateTable } from './state-table';

export const EVENTS_DIR = join(__dirname, '..', 'events');
/** Herald's "now" for what has no time of its own. */
const SAMPLES_DAY = new Date(CLICK_TIME * 1000).toISOString();
const FUNCTIONS_DIR = join(__dirname, '..', 'functions');

export interface Sample {
  source: string;
  name: string;
  file: string;
  event: unknown;
  responses: RecordedResponses;
  /** Items of Herald's state table before the event (`<name>.state.json`): what earlier events left. */
  state: Array<Record<string, AttributeValue>>;
}

export interface SampleResult {
  sample: Sample;
  messages: SlackMessage[];
  problems: string[][];
  /** Why nothing was posted, when the handler decided so (muted, filtered). */
  silentReason?: string;
  error?: string;
  awsCalls: string[];
  warnings: string[];
  /** The notices the handler made (`source:kind`), posted or not, as its log lines say. */
  kinds: string[];
}

/**
 * `events/releases/` holds whole releases (their events in order: testkit/releases.ts), and
 * `events/common/` the AWS answers every sample and release shares (the pipeline's structure).
 */
const NOT_SAMPLES = new Set(['releases', 'common']);

/** The recorded answers every sample gets, under its own. */
export function commonAnswers(dir = EVENTS_DIR): RecordedResponses {
  return JSON.parse(readFileSync(join(dir, 'common', 'answers.aws.json'), 'utf8')) as RecordedResponses;
}

export function listSamples(dir = EVENTS_DIR): Sample[] {
  const samples: Sample[] = [];
  for (const source of readdirSync(dir).sort()) {
    if (NOT_SAMPLES.has(source)) continue;
    const folder = join(dir, source);
    for (const file of readdirSync(folder).sort()) {
      if (!file.endsWith('.json') || file.endsWith('.aws.json') || file.endsWith('.state.json')) continue;
      const name = basename(file, '.json');
      const recorded = join(folder, `${name}.aws.json`);
      const state = join(folder, `${name}.state.json`);
      samples.push({
        source,
        name,
        file: `events/${source}/${file}`,
        event: JSON.parse(readFileSync(join(folder, file), 'utf8')),
        responses: existsSync(recorded)
          ? (JSON.parse(readFileSync(recorded, 'utf8')) as RecordedResponses)
          : {},
        state: existsSync(state)
          ? (JSON.parse(readFileSync(state, 'utf8')) as Array<Record<string, AttributeValue>>)
          : [],
      });
    }
  }
  return samples;
}

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

/** `events/<folder>` feeds `functions/<folder>`, except where the names differ. */
const FUNCTION_OF: Record<string, string> = { approval: 'approval-request' };

async function loadHandler(source: string): Promise<Handler> {
  const folder = FUNCTION_OF[source] ?? source;
  const module = (await import(join(FUNCTIONS_DIR, folder, 'handler'))) as { handler: Handler };
  return module.handler;
}

export interface LocalRig {
  slack: SlackServer;
  aws: AwsStandIn;
  /** Herald's state table (flood gate, delivery log) on dynalite. */
  state: StateTableServer;
  close(): Promise<void>;
}

/**
 * Starts the receiver and the stand-in and points the run-time contract at them. With `sendTo`,
 * messages go to that webhook instead (a real Slack channel), SSM is not read.
 */
/** `--send <https webhook URL>` or SLACK_WEBHOOK_URL: post to a real channel instead. */
/**
 * Where `--send` posts: the URL after it, or SLACK_WEBHOOK_URL when it has none. Without `--send`
 * nothing leaves this machine, whatever the shell exports (a preview never posts by surprise).
 */
export function sendTarget(argv: string[]): string | undefined {
  const index = argv.indexOf('--send');
  if (index < 0) return undefined;
  const given = argv[index + 1];
  const url = given && !given.startsWith('--') ? given : process.env.SLACK_WEBHOOK_URL;
  if (!url?.startsWith('https://'))
    throw new Error('--send needs an https webhook URL (after it, or in SLACK_WEBHOOK_URL)');
  return url;
}

/** `--only <source/name>` (e.g. `codebuild/failed`): one sample instead of all. */
export function onlySample(argv: string[]): string | undefined {
  const index = argv.indexOf('--only');
  if (index < 0) return undefined;
  const name = argv[index + 1]?.replace(/^events\//, '').replace(/\.json$/, '');
  if (!name || name.startsWith('--')) throw new Error('--only needs a sample, like codebuild/failed');
  if (!listSamples().some((s) => `${s.source}/${s.name}` === name))
    throw new Error(`--only: no sample events/${name}.json (npm run samples lists them)`);
  return name;
}

export async function startLocalRig(options: { sendTo?: string } = {}): Promise<LocalRig> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const slack = await startSlackServer();
  const aws = await startAwsStandIn({ webhookUrl: slack.webhookUrl });
  const state = await startStateTable();
  Object.assign(process.env, {
    AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
    // The local routing file: demo approver, local secret names; refused inside Lambda.
    HERALD_STAGE: process.env.HERALD_STAGE ?? 'local',
    SLACK_SIGNING_SECRET: process.env.SLACK_SIGNING_SECRET || TEST_SIGNING_SECRET,
    // The samples happened in November 2026: Herald reads each as at its own time (runSample).
    HERALD_CLOCK: SAMPLES_DAY,
    AWS_ENDPOINT_URL: aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: state.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDLOCALONLY',
    AWS_SECRET_ACCESS_KEY: 'local-only',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_IDEMPOTENCY_DISABLED: 'true',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  // Muted kinds say so at debug level: the rig reads why a sample stayed silent from that line.
  logger.setLogLevel('DEBUG');
  if (options.sendTo) process.env.SLACK_WEBHOOK_URL = options.sendTo;
  else delete process.env.SLACK_WEBHOOK_URL;
  return {
    slack,
    aws,
    state,
    close: async () => {
      await Promise.all([slack.close(), aws.close(), state.close()]);
    },
  };
}

/** When a sample happened: its EventBridge `time`, its SNS `Timestamp`, its trigger's `eventTime`. */
export function sampleTime(event: unknown): string | undefined {
  const e = event as {
    time?: unknown;
    Records?: Array<{ Sns?: { Timestamp?: unknown }; eventTime?: unknown }>;
  };
  const record = e?.Records?.[0];
  const time = e?.time ?? record?.Sns?.Timestamp ?? record?.eventTime;
  const parsed =
    typeof time === 'string' ? Date.parse(time.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN;
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString();
}

/**
 * Each sample runs as in a fresh container at the moment it happened, with a state table of its
 * own (the flood gate starts open) holding what its `.state.json` says earlier events left.
 */
export async function runSample(sample: Sample, rig: LocalRig): Promise<SampleResult> {
  const handler = await loadHandler(sample.source);
  rig.aws.use({ ...commonAnswers(), ...sample.responses });
  const table = await rig.state.createTable();
  for (const item of sample.state)
    await rig.state.client.send(new PutItemCommand({ TableName: table, Item: item }));
  process.env.HERALD_STATE_TABLE = table;
  process.env.HERALD_CLOCK = sampleTime(sample.event) ?? SAMPLES_DAY;
  resetForTests();
  const before = rig.slack.requests.length;
  const capture = captureLogs();
  let error: string | undefined;
  try {
    await handler(sample.event, lambdaContext(30000, `herald-local-${sample.source}`));
  } catch (e) {
    error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  }
  capture.restore();
  const logs = capture.lines();
  const messages = rig.slack.messages().slice(before);
  const silent = logs.find((line) => line.message === 'Notice not sent');
  return {
    sample,
    messages,
    problems: messages.map((message) => checkSlackLimits(message)),
    silentReason: messages.length === 0 && silent ? String(silent.reason) : undefined,
    error,
    awsCalls: [...rig.aws.calls],
    kinds: [
      ...new Set(
        logs
          .filter(
            (line) =>
              typeof line.kind === 'string' && /^Notice (delivered|not sent)/.test(String(line.message)),
          )
          .map((line) => `${String(line.source ?? sample.source)}:${String(line.kind)}`),
      ),
    ],
    warnings: logs
      .filter((line) => line.level === 'WARN' || line.level === 'ERROR')
      .map(
        (line) =>
          `${String(line.level)} ${String(line.message)}${line.error ? ` (${JSON.stringify(line.error)})` : ''}`,
      ),
  };
}

export async function runAllSamples(rig: LocalRig, only?: string): Promise<SampleResult[]> {
  const results: SampleResult[] = [];
  for (const sample of listSamples()) {
    if (only && `${sample.source}/${sample.name}` !== only) continue;
    results.push(await runSample(sample, rig));
  }
  return results;
}
