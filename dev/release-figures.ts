/**
 * `npm run release:figures`: the three releases of events/releases/ played through the real
 * handlers, once in webhook mode (one message per event) and once in app mode (one card per
 * release), printing what reached Slack and what it cost: channel messages, thread replies, card
 * updates, Slack API calls, DynamoDB calls per event, and the DynamoDB round trips each event waited
 * for before its first Slack call.
 *
 * `npm run release:figures -- --concurrency 50`: 50 releases of 50 services at once in app mode,
 * each release's events in order, the releases side by side, card updates spaced as deployed
 * (2.5 s), with Slack's Tier 3 allowance for chat.update (50 a minute; `--update-limit N`)
 * enforced by the local Slack. Prints Slack calls per minute per method, DynamoDB calls per event,
 * what was skipped under the rate limit, and whether every final card is right (the same as that
 * release played alone). Prints figures; asserts nothing.
 */
import type { Context } from 'aws-lambda';
import { resetForTests } from '../shared/lambda/container';
import type { RecordedResponses } from '../testkit/aws-stand-in';
import { captureLogs } from '../testkit/capture-logs';
import { lambdaContext } from '../testkit/lambda-context';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  type Release,
  renamed,
  type Target,
} from '../testkit/releases';
import { type LocalRig, startLocalRig } from '../testkit/samples';
import { visibleText } from '../testkit/slack-text';
import { DEFAULT_LATENCY } from './bench/network';

type Span = { start: number; end?: number };
const round = require('./bench/round-trips.cjs') as {
  beforeSlack<T extends Span>(
    dynamo: T[],
    aws: Span[],
    since: number,
    slackAt: number,
  ): { trips: T[][]; waited: T[][] };
};

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function handlerOf(target: Target): Promise<Handler> {
  return ((await import(`../functions/${target}/handler`)) as { handler: Handler }).handler;
}

function useMode(rig: LocalRig, mode: 'webhook' | 'app'): void {
  if (mode === 'app') {
    Object.assign(process.env, {
      SLACK_BOT_TOKEN: 'xoxb-local-figures-0000',
      SLACK_CHANNEL: 'C0RELEASES',
      SLACK_API_URL: rig.slack.apiUrl,
    });
    delete process.env.SLACK_WEBHOOK_URL;
  } else {
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL', 'SLACK_API_URL']) delete process.env[name];
    process.env.SLACK_WEBHOOK_URL = rig.slack.webhookUrl;
  }
}

/**
 * The DynamoDB round trips of an event before its first Slack call, all and those it waited for;
 * undefined when it called no Slack.
 */
function tripsBeforeSlack(rig: LocalRig, since: number, slackBefore: number) {
  const firstSlack = rig.slack.requests.slice(slackBefore)[0];
  if (!firstSlack) return undefined;
  return round.beforeSlack(rig.state.timeline, rig.aws.exchanges, since, firstSlack.at);
}

/**
 * Prints an event's DynamoDB requests before its first Slack call, grouped by round trip; a trip
 * that ended while an AWS read was still out is marked (the event did not wait for it).
 */
function trace(name: string, { trips, waited }: NonNullable<ReturnType<typeof tripsBeforeSlack>>): void {
  const lines = trips.map(
    (trip) =>
      `${trip.map((r) => `${r.operation}(${(r.keys ?? []).join(',')})`).join('  ')}${waited.includes(trip) ? '' : '  [ended under an AWS read]'}`,
  );
  traces.push(
    `${name}: ${waited.length} waited for, ${trips.length} in all\n${lines.map((t, i) => `  ${i + 1}. ${t}`).join('\n')}`,
  );
}

/** Traces printed after the figures (the handlers' logs are captured while they run). */
const traces: string[] = [];

/** Plays a release's events in order; the failures (Lambda would retry them). */
async function playInOrder(
  release: Release,
  rig?: LocalRig,
): Promise<{ failures: string[]; trips: number[]; waited: number[] }> {
  const failures: string[] = [];
  const trips: number[] = [];
  const waited: number[] = [];
  for (const item of release.events) {
    const since = performance.timeOrigin + performance.now();
    const slackBefore = rig?.slack.requests.length ?? 0;
    try {
      await (await handlerOf(item.target))(item.event, lambdaContext(20000, 'herald-figures'));
    } catch (error) {
      failures.push(`${release.executionId} ${item.name}: ${error instanceof Error ? error.message : error}`);
    }
    // The DynamoDB round trips before its first Slack call (in flight together: one), and of
    // those the ones it waited for (not ended while an AWS read was still out).
    const before = rig && tripsBeforeSlack(rig, since, slackBefore);
    if (before) {
      trips.push(before.trips.length);
      waited.push(before.waited.length);
    }
    if (before && process.argv.includes('--trace')) trace(item.name, before);
  }
  return { failures, trips, waited };
}

async function fresh(rig: LocalRig, responses: RecordedResponses): Promise<void> {
  rig.slack.reset();
  rig.aws.use(responses);
  process.env.HERALD_STATE_TABLE = await rig.state.createTable();
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'false';
  resetForTests();
  rig.state.calls.clear();
}

async function play(rig: LocalRig, release: Release, mode: 'webhook' | 'app') {
  await fresh(rig, release.responses);
  useMode(rig, mode);
  // One release alone: every event's card is pushed (the spacing is for bursts, measured below).
  process.env.HERALD_CARD_SPACING_MS = '0';
  resetForTests();
  const logs = captureLogs();
  let trips: number[] = [];
  let waited: number[] = [];
  try {
    ({ trips, waited } = await playInOrder(release, rig));
  } finally {
    logs.restore();
  }
  const requests = rig.slack.requests;
  const posts = requests.filter((r) => r.path === '/api/chat.postMessage');
  const replies = posts.filter((r) => (r.json as { thread_ts?: string }).thread_ts !== undefined);
  const deleted = requests.filter((r) => r.path === '/api/chat.delete').length;
  const dynamo = [...rig.state.calls.values()].reduce((a, b) => a + b, 0);
  return {
    release: release.name,
    mode,
    events: release.events.length,
    channel: mode === 'webhook' ? requests.length : posts.length - replies.length - deleted,
    replies: replies.length,
    broadcasts: replies.filter((r) => (r.json as { reply_broadcast?: string }).reply_broadcast === 'true')
      .length,
    updates: requests.filter((r) => r.path === '/api/chat.update').length,
    slackCalls: requests.length,
    dynamoPerEvent: Number((dynamo / release.events.length).toFixed(1)),
    // Per event that called Slack: DynamoDB round trips it waited for before its first call, and
    // all those made before it (most, then each).
    dynamoTripsWaited: `${Math.max(0, ...waited)} (${waited.join(' ')})`,
    dynamoTripsInAll: `${Math.max(0, ...trips)} (${trips.join(' ')})`,
  };
}

/** The names and ids of service `i`'s release, in place of the happy release's. */
function namesOf(i: number): Record<string, string> {
  const n = String(i).padStart(4, '0');
  return {
    'herald-stage-pipeline': `svc${n}-pipeline`,
    'herald-stage-app': `svc${n}-app`,
    'shop-api': `svc${n}-repo`,
    '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f': `3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c${n}`,
    '6a1d9c2e-77b4-4b8e-a0f1-5c3d2e1f0a9b': `6a1d9c2e-77b4-4b8e-a0f1-5c3d2e1f${n}`,
    '4e2b7d91c3a85f60e1d2c3b4a5968778695a4b3c': `4e2b7d91c3a85f60e1d2c3b4a5968778695a${n}`,
    'd-STAGE0001': `d-STAGE${n}`,
    'd-PROD00001': `d-PROD0${n}`,
  };
}

/** Text with the happy release's names replaced (longest first), as `renamed` does to events. */
function renamedText(text: string, names: Record<string, string>): string {
  let out = text;
  for (const from of Object.keys(names).sort((a, b) => b.length - a.length))
    out = out.split(from).join(names[from] ?? from);
  return out;
}

/** The request field that tells releases apart, per operation recorded once per release. */
const KEYED_BY: Record<string, string> = {
  'CodeCommit_20150413.GetCommit': 'commitId',
  'CodeCommit_20150413.GetDifferences': 'afterCommitSpecifier',
  'CodePipeline_20150709.ListActionExecutions': 'pipelineName',
  'CodePipeline_20150709.GetPipelineExecution': 'pipelineExecutionId',
  'CodePipeline_20150709.GetPipelineState': 'name',
  'CodePipeline_20150709.GetPipeline': 'name',
};

/** Every release's answers at once: one answer per release, told apart by the request. */
function together(releases: Release[]): RecordedResponses {
  const merged: Record<string, { $byRequest: string; answers: Record<string, unknown> } | unknown> = {};
  for (const release of releases) {
    const execution = release.executionId;
    const pipeline = String(
      (release.responses['CodePipeline_20150709.GetPipeline'] as { pipeline?: { name?: string } })?.pipeline
        ?.name,
    );
    const commit = (release.responses['CodeCommit_20150413.GetCommit'] as { commit?: { commitId?: string } })
      ?.commit?.commitId;
    const keyOf: Record<string, string | undefined> = {
      commitId: commit,
      afterCommitSpecifier: commit,
      pipelineName: pipeline,
      pipelineExecutionId: execution,
      name: pipeline,
    };
    for (const [operation, answer] of Object.entries(release.responses)) {
      const recorded = answer as { $byRequest?: string; answers?: Record<string, unknown> };
      const field = recorded.$byRequest ?? KEYED_BY[operation];
      if (!field) {
        merged[operation] = answer;
        continue;
      }
      const into = (merged[operation] as { $byRequest: string; answers: Record<string, unknown> }) ?? {
        $byRequest: field,
        answers: {},
      };
      if (recorded.$byRequest && recorded.answers) Object.assign(into.answers, recorded.answers);
      else into.answers[keyOf[field] ?? ''] = answer;
      merged[operation] = into;
    }
  }
  merged['CodePipeline_20150709.ListPipelines'] = {
    pipelines: releases.map((r) => ({ name: `svc${r.executionId.slice(-4)}-pipeline`, version: 3 })),
  };
  return merged as RecordedResponses;
}

/** The final card of each release, by its channel message. */
function finalCards(rig: LocalRig): Map<string, string> {
  const calls = rig.slack.requests.filter((r) => r.path.startsWith('/api/') && r.accepted);
  const cards = new Map<string, string>();
  for (const call of calls) {
    const fields = call.json as { ts?: string; thread_ts?: string; text?: string; blocks?: never };
    const ts = call.path === '/api/chat.update' ? fields.ts : undefined;
    if (ts && /^(Releas|Waiting|Release)/.test(String(fields.text)))
      cards.set(ts, visibleText({ text: String(fields.text), blocks: fields.blocks ?? [] }));
  }
  return cards;
}

async function concurrently(rig: LocalRig, count: number, updateLimit: number) {
  const releases = Array.from({ length: count }, (_, i) => renamed(happyRelease(), namesOf(i + 1)));
  // The happy release alone, unhurried: the right final card, which every service's must match.
  useMode(rig, 'app');
  await fresh(rig, happyRelease().responses);
  process.env.HERALD_CARD_SPACING_MS = '0';
  resetForTests();
  const alone = captureLogs();
  await playInOrder(happyRelease()).finally(() => alone.restore());
  const canonical = [...finalCards(rig).values()].at(-1) ?? '';

  await fresh(rig, together(releases));
  delete process.env.HERALD_CARD_SPACING_MS;
  resetForTests();
  rig.slack.limit('chat.update', updateLimit);
  const logs = captureLogs();
  const started = Date.now();
  let failures: string[] = [];
  try {
    failures = (await Promise.all(releases.map((r) => playInOrder(r)))).flatMap((played) => played.failures);
    // Lambda retries a failed invocation about a minute later: what failed is played again.
    if (failures.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 60_000));
      const retried = releases.flatMap((release) =>
        release.events.filter((e) => failures.some((f) => f.startsWith(`${release.executionId} ${e.name}:`))),
      );
      for (const item of retried)
        await (await handlerOf(item.target))(item.event, lambdaContext(20000, 'herald-figures')).catch(
          () => undefined,
        );
    }
  } finally {
    logs.restore();
  }
  const minutes = (Date.now() - started) / 60_000;
  const byMethod = new Map<string, number>();
  for (const r of rig.slack.requests.filter((r) => r.path.startsWith('/api/'))) {
    const method = r.path.slice('/api/'.length);
    byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
  }
  const events = releases.reduce((n, r) => n + r.events.length, 0);
  const dynamo = [...rig.state.calls.values()].reduce((a, b) => a + b, 0);
  const cards = new Set(finalCards(rig).values());
  const right = releases.filter((_, i) => cards.has(renamedText(canonical, namesOf(i + 1)))).length;
  const lines = logs.lines();
  console.log(
    `\n${count} releases at once, chat.update limited to ${updateLimit}/min, ${minutes.toFixed(1)} min:`,
  );
  console.table(
    [...byMethod.entries()].map(([method, calls]) => ({
      method,
      calls,
      perMinute: Number((calls / minutes).toFixed(1)),
      '429s': rig.slack.requests.filter(
        (r) => r.path === `/api/${method}` && r.answer?.includes('ratelimited'),
      ).length,
    })),
  );
  console.table([
    {
      events,
      dynamoPerEvent: Number((dynamo / events).toFixed(1)),
      skippedUnderRateLimit: lines.filter((l) => String(l.message).startsWith('Card update skipped')).length,
      failedThenRetried: failures.length,
      finalCardsRight: `${right}/${count}`,
    },
  ]);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : undefined;
  };
  const concurrency = option('--concurrency');
  const rig = await startLocalRig();
  process.env.HERALD_STAGE = 'stage';
  try {
    if (concurrency) {
      await concurrently(rig, concurrency, option('--update-limit') ?? 50);
      return;
    }
    // Round trips as on Lambda (the bench's defaults), so that what runs under an AWS read shows.
    rig.aws.setLatency(DEFAULT_LATENCY.aws);
    rig.state.setLatency(DEFAULT_LATENCY.dynamodb);
    const rows = [];
    for (const release of [happyRelease(), failedBuildRelease(), failedProdRelease()]) {
      for (const mode of ['webhook', 'app'] as const) rows.push(await play(rig, release, mode));
    }
    console.table(rows);
    if (traces.length > 0) console.log(traces.join('\n'));
  } finally {
    await rig.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
