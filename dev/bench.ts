/**
 * `npm run bench`: what a team waits for, from an AWS event to its Slack message, for each function
 * built by the real `sls package`, measured as Lambda would run it:
 * - HTTPS to every stand-in (a throwaway CA through NODE_EXTRA_CA_CERTS: the SDK and Slack's
 *   clients load node:https as on Lambda), with a round-trip time injected per service
 *   (dev/bench/network.ts: AWS 20 ms, DynamoDB 8 ms, Slack 100 ms by default; BENCH_LATENCY);
 * - each function beside its **work floor** (dev/bench/floor.ts): the SDK and node:https alone,
 *   making the very calls the function made on its sample, as parallel as they can be;
 * - one container's life per fresh process (dev/bench-driver.cjs): init (Lambda's Init Duration),
 *   the first event (cold), the same event of another run once the state table is cleared (warm:
 *   its run ids renewed, so the container meets a new release), and when each started its first
 *   Slack call;
 * - on Node 22 (Lambda's nodejs22.x: npm's node-linux-<arch> binary, fetched once into build/) and
 *   on the local Node, functions and floors in turns, medians with the interquartile range;
 * - then, on Node 22, under Lambda's CPU share for 128 / 256 / 512 / 1024 MB (dev/bench/cpu.ts: a
 *   cgroup CPU quota where the machine allows it), latency and cost per 1 000 events.
 * Prints figures and marks each target ✓ or ✗; asserts nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { unzipSync } from 'fflate';
import { admit, sweep } from '../shared/state/flood';
import { startAwsStandIn } from '../testkit/aws-stand-in';
import { commonAnswers, listSamples, sampleTime } from '../testkit/samples';
import { clickPayload, signedRequest, TEST_SIGNING_SECRET } from '../testkit/slack-interaction';
import { startSlackServer } from '../testkit/slack-receiver';
import { startStateTable } from '../testkit/state-table';
import { textTable } from '../tools/lib/table';
import { shareOf, underCpuShare } from './bench/cpu';
import { buildFloor, type Calls, dependencyWaves, dynamoWaves } from './bench/floor';
import { latencyOf, startLatencyProxy, throwawayCertificates } from './bench/network';

// The SDK's notice that it will need Node 22 soon, printed by the local Node: not a figure.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'build', 'bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const MEMORY_RUNS = Number(process.env.BENCH_MEMORY_RUNS ?? 3);
const MEMORY_SIZES =
  process.env.BENCH_MEMORY === 'off'
    ? []
    : (process.env.BENCH_MEMORY ?? '128,256,512,1024').split(',').map(Number);
/** Which sample stands for each function's typical event (the heaviest common path). */
const BENCH_SAMPLES: Record<string, string[]> = {
  codebuild: ['failed'],
  codecommit: ['reference-updated'],
  codedeploy: ['failure'],
  codepipeline: ['pipeline-failed'],
  ecs: ['task-crashed'],
  approval: ['request'],
  metrics: ['weekly'],
};
/** Samples measured again in app mode (Web API, release card). */
const APP_MODE_SAMPLES = ['codepipeline/pipeline-failed', 'codebuild/failed'];
/** Zips are named after the function key, samples after the events folder. */
const SAMPLE_FOLDER: Record<string, string> = { approvalRequest: 'approval' };
/** `BENCH_AGAINST=<folder of an earlier sls package>`: each function is measured beside its earlier build. */
const AGAINST = process.env.BENCH_AGAINST;

const BUNDLE_TARGET_KB = 330;
/** Between the cold event and the warm one: longer than a CFS period, so no throttling carries over. */
const WARM_PAUSE_MS = 250;
const RATIO_TARGET = 1.25;
/** arm64 Lambda in us-east-1: per GB-second and per request (aws.amazon.com/lambda/pricing). */
const PRICE_GB_SECOND = 0.0000133334;
const PRICE_REQUEST = 0.0000002;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (sorted[low] ?? 0) + ((sorted[high] ?? 0) - (sorted[low] ?? 0)) * (at - low);
}
const median = (values: number[]) => quantile(values, 0.5);

function unpack(zipFile: string, into: string): string[] {
  const files = unzipSync(readFileSync(zipFile));
  const written: string[] = [];
  for (const [path, bytes] of Object.entries(files)) {
    if (path.endsWith('/')) continue;
    const target = join(into, path);
    mkdirSync(join(target, '..'), { recursive: true });
    writeFileSync(target, bytes);
    written.push(target);
  }
  return written;
}

function bundleOf(zipFile: string, into: string): { bundle: string; sizeKb: number } {
  const js = unpack(zipFile, into).filter((f) => f.endsWith('.js'));
  const bundle = js.find((f) => f.endsWith('handler.js')) ?? js[0];
  if (!bundle) throw new Error(`${zipFile} holds no JavaScript`);
  return { bundle, sizeKb: js.reduce((n, f) => n + statSync(f).size, 0) / 1024 };
}

/** Lambda's runtime for `nodejs22.x`: a Node 22 of npm's node-linux-<arch> package. */
const LAMBDA_NODE_VERSION = '22.23.5';

/** The Node 22 binary (BENCH_NODE_22, or fetched once with `npm pack` into build/node22), if any. */
function lambdaNode(): string | undefined {
  if (process.env.BENCH_NODE_22) return process.env.BENCH_NODE_22;
  const arch = ({ x64: 'x64', arm64: 'arm64' } as Record<string, string>)[process.arch];
  if (process.platform !== 'linux' || !arch) {
    console.log(`No node-linux package for ${process.platform}/${process.arch}: local Node only.`);
    return undefined;
  }
  const dir = join(ROOT, 'build', 'node22', `${arch}-${LAMBDA_NODE_VERSION}`);
  const binary = join(dir, 'package', 'bin', 'node');
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  try {
    console.log(`Fetching node-linux-${arch}@${LAMBDA_NODE_VERSION} (Lambda's Node 22) into build/node22 …`);
    const packed = execFileSync(
      'npm',
      ['pack', `node-linux-${arch}@${LAMBDA_NODE_VERSION}`, '--pack-destination', dir, '--silent'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const tarball = packed.trim().split('\n').pop() ?? '';
    execFileSync('tar', ['-xzf', join(dir, tarball), '-C', dir, 'package/bin/node']);
    rmSync(join(dir, tarball));
    return binary;
  } catch (error) {
    console.log(
      `Node 22 not available (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): local Node only.`,
    );
    return undefined;
  }
}

/** What one container's life measured, from the driver's two lines. */
interface Run {
  init: number;
  initCpu: number;
  cold: Invocation;
  warm: Invocation;
}
interface Invocation {
  handle: number;
  cpu: number;
  toSlack?: number;
  count: { aws: number; dynamodb: number; slack: number };
  waves: { aws: number; dynamodb: number; all: number };
  /** DynamoDB requests the invocation sent before its first Slack call began. */
  dynamoBeforeSlack?: number;
}

/** One measured case: a function's bundle on one sample, in one Slack mode. */
interface Case {
  name: string;
  sample: string;
  sizeKb: number;
  bundle: string;
  eventFile: string;
  responses: Record<string, unknown>;
  state: Array<Record<string, AttributeValue>>;
  env: NodeJS.ProcessEnv;
  /** A click's signature is good for 5 minutes: written again before each run. */
  refresh?: () => void;
  /** The warm event: the same of another run (its ids renewed), with its answers and items. */
  next?: { eventFile: string; responses: Record<string, unknown>; state: Case['state'] };
  floor?: string;
  before?: { bundle: string; sizeKb: number };
}

type Rig = Awaited<ReturnType<typeof startRig>>;

/** The stand-ins behind HTTPS proxies with their round trips, and the environment that reaches them. */
async function startRig() {
  const latency = latencyOf(process.env.BENCH_LATENCY);
  const certificates = throwawayCertificates(join(ROOT, 'build', 'bench-tls'));
  const slack = await startSlackServer();
  const state = await startStateTable();
  const slackProxy = await startLatencyProxy(slack.url, () => latency.slack, certificates);
  const aws = await startAwsStandIn({ webhookUrl: slack.webhookUrl.replace(slack.url, slackProxy.origin) });
  const awsProxy = await startLatencyProxy(aws.url, () => latency.aws, certificates);
  const dynamoProxy = await startLatencyProxy(state.endpoint, () => latency.dynamodb, certificates);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    HERALD_STAGE: 'stage',
    AWS_ENDPOINT_URL: awsProxy.origin,
    AWS_ENDPOINT_URL_DYNAMODB: dynamoProxy.origin,
    NODE_EXTRA_CA_CERTS: certificates.caFile,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHONLY',
    AWS_SECRET_ACCESS_KEY: 'bench-only',
    AWS_SESSION_TOKEN: 'bench-only-session',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // slackActions verifies clicks with this local secret (an SSM read in the deployed stack).
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    BENCH_PORTS: `aws=${awsProxy.port},dynamodb=${dynamoProxy.port},slack=${slackProxy.port}`,
    BENCH_RESPONSE_URL: `${slackProxy.origin}/actions/T0/1/bench`,
    ...(process.env.BENCH_TRACE ? { BENCH_TRACE: '1' } : {}),
  };
  const appEnv: NodeJS.ProcessEnv = {
    SLACK_BOT_TOKEN: 'xoxb-local-bench-0000',
    SLACK_CHANNEL: 'C0BENCH01',
    SLACK_API_URL: `${slackProxy.origin}/api/`,
  };
  return {
    latency,
    slack,
    state,
    aws,
    env,
    appEnv,
    close: async () => {
      await Promise.all([slackProxy.close(), awsProxy.close(), dynamoProxy.close()]);
      await Promise.all([slack.close(), aws.close(), state.close()]);
    },
  };
}

/** Empties the table and writes the sample's state again: the next event is new, not a duplicate. */
async function resetTable(rig: Rig, table: string, items: Case['state']): Promise<void> {
  const { Items = [] } = await rig.state.client.send(new ScanCommand({ TableName: table }));
  for (let i = 0; i < Items.length; i += 25) {
    await rig.state.client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [table]: Items.slice(i, i + 25).map((item) => ({
            DeleteRequest: { Key: { key: item.key as AttributeValue } },
          })),
        },
      }),
    );
  }
  for (const item of items) await rig.state.client.send(new PutItemCommand({ TableName: table, Item: item }));
}

/** What a function knows before any AWS read: its event, its stage's routing file and the table's items (as text). */
const givenOf = (c: Case) =>
  readFileSync(c.eventFile, 'utf8') +
  readFileSync(join(ROOT, 'config', 'routing', 'stage.json'), 'utf8') +
  JSON.stringify(c.state);

/**
 * The calls of the cold invocation, as the stand-ins saw them, in the waves their data requires,
 * given what the function knew from the start (`given`: givenOf).
 */
function callsSince(
  rig: Rig,
  since: { dynamo: number; slack: number; dynamoBeforeSlack?: number },
  given: string,
): Calls {
  const slack = rig.slack.requests.slice(since.slack);
  const dynamo = rig.state.timeline
    .slice(since.dynamo)
    .map((r) => ({ operation: r.operation, request: r.request ?? '{}', start: r.start }));
  return {
    aws: dependencyWaves(rig.aws.exchanges, given),
    dynamodb: dynamoWaves(dynamo, rig.aws.exchanges, since.dynamoBeforeSlack ?? dynamo.length, given),
    slack: slack.map((r) => ({
      kind: r.path.startsWith('/api/') ? 'api' : r.path.startsWith('/actions/') ? 'response' : 'webhook',
      path: r.path,
    })),
  };
}

/** One container's life: cold, then warm (another run's event) after the table is reset. `calls` gets the cold calls. */
async function runOnce(
  rig: Rig,
  node: string,
  bundle: string,
  c: Case,
  options: { memoryMb?: number; calls?: (calls: Calls) => void } = {},
): Promise<Run> {
  c.refresh?.();
  rig.aws.use({ ...commonAnswers(), ...c.responses });
  const table = await rig.state.createTable();
  await resetTable(rig, table, c.state);
  const dynamoFrom = rig.state.timeline.length;
  const slackBefore = rig.slack.requests.length;
  // BENCH_PROFILE=1: a CPU profile of each function's container (not the floors') in build/bench/profiles.
  const profile =
    process.env.BENCH_PROFILE && bundle === c.bundle
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${join(OUT, 'profiles')}`,
          `--cpu-prof-name=${c.name}-${Date.now()}.cpuprofile`,
        ]
      : [];
  const next = c.next ? [c.next.eventFile] : [];
  const argv = [node, ...profile, join(__dirname, 'bench-driver.cjs'), bundle, c.eventFile, ...next];
  const shared = options.memoryMb ? underCpuShare(options.memoryMb, argv) : { argv };
  if (!('argv' in shared)) throw new Error(shared.reason);
  const [command = node, ...args] = shared.argv;
  const env = {
    ...rig.env,
    ...c.env,
    HERALD_STATE_TABLE: table,
    ...(options.memoryMb ? { BENCH_MEMORY: String(options.memoryMb) } : {}),
  };
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'pipe'] });
    let buffer = '';
    let cold: (Invocation & { boot: number; load: number; initCpu: number }) | undefined;
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (line.startsWith('BENCH-COLD ')) {
          cold = JSON.parse(line.slice(11));
          const dynamoBeforeSlack = cold?.dynamoBeforeSlack;
          options.calls?.(
            callsSince(rig, { dynamo: dynamoFrom, slack: slackBefore, dynamoBeforeSlack }, givenOf(c)),
          );
          // The next event a moment later (a CPU quota's throttling of the cold one is over).
          if (c.next) rig.aws.use({ ...commonAnswers(), ...c.next.responses });
          resetTable(rig, table, c.next?.state ?? c.state).then(
            () => setTimeout(() => child.stdin.write('warm\n'), WARM_PAUSE_MS),
            (error: unknown) => reject(error),
          );
        } else if (line.startsWith('BENCH-WARM ') && cold) {
          const { boot, load, initCpu, ...first } = cold;
          resolve({ init: boot + load, initCpu, cold: first, warm: JSON.parse(line.slice(11)) });
        } else if (line.startsWith('BENCH-ERROR')) reject(new Error(`${c.name} ${c.sample}: ${line}`));
        else if (line.startsWith('TRACE '))
          console.log(`${c.name} ${c.sample} ${cold ? 'warm' : 'cold'}: ${line.slice(6)}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${c.name} ${c.sample}: the driver exited ${code}`));
    });
  });
}

/** Figures of many runs: median and interquartile range. */
interface Spread {
  median: number;
  q1: number;
  q3: number;
}
const spread = (values: number[]): Spread => ({
  median: median(values),
  q1: quantile(values, 0.25),
  q3: quantile(values, 0.75),
});

interface Row {
  c: Case;
  init: Spread;
  coldToSlack: Spread;
  warmToSlack: Spread;
  warmHandle: Spread;
  coldCpu: number;
  waves: Invocation['waves'];
  count: Invocation['count'];
  floor: { init: Spread; coldToSlack: Spread; warmToSlack: Spread };
  before?: { init: number; coldToSlack: number };
}

const toSlack = (i: Invocation) => i.toSlack ?? i.handle;

function rowOf(c: Case, fn: Run[], floor: Run[], before: Run[]): Row {
  const first = fn[0];
  return {
    c,
    init: spread(fn.map((r) => r.init)),
    coldToSlack: spread(fn.map((r) => toSlack(r.cold))),
    warmToSlack: spread(fn.map((r) => toSlack(r.warm))),
    warmHandle: spread(fn.map((r) => r.warm.handle)),
    coldCpu: median(fn.map((r) => r.initCpu + r.cold.cpu)),
    waves: first?.cold.waves ?? { aws: 0, dynamodb: 0, all: 0 },
    count: first?.cold.count ?? { aws: 0, dynamodb: 0, slack: 0 },
    floor: {
      init: spread(floor.map((r) => r.init)),
      coldToSlack: spread(floor.map((r) => toSlack(r.cold))),
      warmToSlack: spread(floor.map((r) => toSlack(r.warm))),
    },
    before:
      before.length > 0
        ? { init: median(before.map((r) => r.init)), coldToSlack: median(before.map((r) => toSlack(r.cold))) }
        : undefined,
  };
}

const mark = (ok: boolean) => (ok ? '✓' : '✗');
const ms = (s: Spread) => `${s.median.toFixed(0)} (${s.q1.toFixed(0)}–${s.q3.toFixed(0)})`;

function printTable(title: string, rows: Row[]): void {
  const header = [
    'function',
    'sample',
    'KB',
    'init ms',
    'floor',
    '×',
    'cold→Slack ms',
    'floor',
    '×',
    'warm→Slack ms',
    'floor',
    '×',
    'warm handle',
    'CPU cold',
    'DDB/AWS trips',
    `≤${BUNDLE_TARGET_KB}KB`,
    `init ≤${RATIO_TARGET}×`,
    `cold ≤${RATIO_TARGET}×`,
    `warm ≤${RATIO_TARGET}×`,
    ...(AGAINST ? ['before init', 'before cold→Slack'] : []),
  ];
  const targets = { size: 0, init: 0, cold: 0, warm: 0 };
  const cells = rows.map((r) => {
    const init = r.init.median / r.floor.init.median;
    const cold = r.coldToSlack.median / r.floor.coldToSlack.median;
    const warm = r.warmToSlack.median / r.floor.warmToSlack.median;
    // A function that answers without calling Slack or AWS (a refused click) has no floor to compare.
    const calls = r.count.slack + r.count.aws + r.count.dynamodb > 0;
    targets.size += Number(r.c.sizeKb <= BUNDLE_TARGET_KB);
    targets.init += Number(init <= RATIO_TARGET);
    targets.cold += Number(!calls || cold <= RATIO_TARGET);
    targets.warm += Number(!calls || warm <= RATIO_TARGET);
    return [
      r.c.name,
      r.c.sample,
      r.c.sizeKb.toFixed(0),
      ms(r.init),
      r.floor.init.median.toFixed(0),
      init.toFixed(2),
      ms(r.coldToSlack),
      calls ? r.floor.coldToSlack.median.toFixed(0) : '–',
      calls ? cold.toFixed(2) : '–',
      ms(r.warmToSlack),
      calls ? r.floor.warmToSlack.median.toFixed(0) : '–',
      calls ? warm.toFixed(2) : '–',
      r.warmHandle.median.toFixed(0),
      r.coldCpu.toFixed(0),
      `${r.waves.dynamodb}/${r.waves.aws} of ${r.count.dynamodb}/${r.count.aws}`,
      mark(r.c.sizeKb <= BUNDLE_TARGET_KB),
      mark(init <= RATIO_TARGET),
      calls ? mark(cold <= RATIO_TARGET) : '–',
      calls ? mark(warm <= RATIO_TARGET) : '–',
      ...(AGAINST ? [r.before?.init.toFixed(0) ?? '-', r.before?.coldToSlack.toFixed(0) ?? '-'] : []),
    ];
  });
  console.log(`\n${title}`);
  for (const line of textTable(header, cells, 2)) console.log(line);
  const n = rows.length;
  console.log(
    `Targets: bundle ≤ ${BUNDLE_TARGET_KB} KB ${targets.size}/${n}; init ≤ ${RATIO_TARGET}× floor ${targets.init}/${n}; event → first Slack call ≤ ${RATIO_TARGET}× floor: cold ${targets.cold}/${n}, warm ${targets.warm}/${n}.`,
  );
}

/** Cost of 1 000 events of `durationMs` billed at `memoryMb` (arm64, requests included). */
const costPer1000 = (durationMs: number, memoryMb: number) =>
  1000 * (Math.ceil(durationMs) / 1000) * (memoryMb / 1024) * PRICE_GB_SECOND + 1000 * PRICE_REQUEST;

function printMemory(title: string, results: Map<Case, Map<number, Run[]>>): void {
  console.log(`\n${title}`);
  const header = [
    'function',
    'sample',
    ...MEMORY_SIZES.map((mb) => `${mb} MB: cold→Slack / warm handle ms, $ per 1000 warm`),
  ];
  const cells = [...results].map(([c, bySize]) => [
    c.name,
    c.sample,
    ...MEMORY_SIZES.map((mb) => {
      const runs = bySize.get(mb) ?? [];
      const cold = median(runs.map((r) => r.init + toSlack(r.cold)));
      const warm = median(runs.map((r) => r.warm.handle));
      return `${cold.toFixed(0)} / ${warm.toFixed(0)}, $${costPer1000(warm, mb).toFixed(5)}`;
    }),
  ]);
  for (const line of textTable(header, cells, header.length)) console.log(line);
}
/** The cases of one package: each function on its bench samples, and app mode where it matters. */
function casesOf(rig: Rig, packageDir: string): Case[] {
  const cases: Case[] = [];
  for (const zip of readdirSync(packageDir).filter((f) => f.endsWith('.zip'))) {
    const name = zip.replace(/\.zip$/, '');
    const { bundle, sizeKb } = bundleOf(join(packageDir, zip), join(OUT, name));
    const earlier = AGAINST ? join(AGAINST, zip) : undefined;
    const before = earlier && existsSync(earlier) ? bundleOf(earlier, join(OUT, 'against', name)) : undefined;
    if (name === 'slackActions') {
      // A click needs a fresh signature (±5 minutes): written before each run. The shipped routing
      // files list no approvers: the click is verified, then refused through its response_url.
      const click = join(OUT, 'click.json');
      const refresh = () =>
        writeFileSync(
          click,
          JSON.stringify(
            signedRequest(clickPayload({ responseUrl: String(rig.env.BENCH_RESPONSE_URL) }), {
              timestamp: Math.floor(Date.now() / 1000),
            }),
          ),
        );
      refresh();
      cases.push({
        name,
        sample: 'click (verified)',
        sizeKb,
        bundle,
        eventFile: click,
        responses: {},
        state: [],
        env: {},
        refresh,
        before,
      });
      continue;
    }
    const folder = SAMPLE_FOLDER[name] ?? name;
    for (const sample of listSamples().filter(
      (s) => s.source === folder && (BENCH_SAMPLES[folder] ?? []).includes(s.name),
    )) {
      const base = {
        name,
        sizeKb,
        bundle,
        eventFile: join(ROOT, sample.file),
        responses: sample.responses,
        state: sample.state,
        next: nextRunOf(sample),
        before,
      };
      const clock = { HERALD_CLOCK: sampleTime(sample.event) ?? '' };
      cases.push({ ...base, sample: sample.name, env: clock });
      if (APP_MODE_SAMPLES.includes(`${folder}/${sample.name}`))
        cases.push({ ...base, sample: `${sample.name} (app)`, env: { ...clock, ...rig.appEnv } });
    }
  }
  return cases;
}

/**
 * The sample's event of another run, for the warm event: every run id in it, its AWS answers and
 * its table items renewed (pipeline executions, builds and tasks by their UUIDs, deployments by
 * their `d-` ids, task definitions by their revision), so that a warm container meets a new
 * release as on Lambda, not the one it has just written (which it would rightly remember).
 * Commits, names and times stay.
 */
function nextRunOf(
  sample: { source: string; name: string; event: unknown } & Pick<Case, 'responses' | 'state'>,
) {
  const renew = (text: string) =>
    text
      .replace(
        /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})([0-9a-f]{8})\b/g,
        (_, head, tail) => {
          return head + ((Number.parseInt(tail, 16) ^ 0x5a5a5a5a) >>> 0).toString(16).padStart(8, '0');
        },
      )
      .replace(/\bd-([A-Z0-9]{8})([A-Z0-9])\b/g, (_, head, last) => `d-${head}${last === 'Z' ? 'Y' : 'Z'}`)
      .replace(
        /(task-definition\/[\w-]+:)(\d+)\b/g,
        (_, family, revision) => `${family}${Number(revision) + 1000}`,
      );
  const renewed = <T>(value: T): T => JSON.parse(renew(JSON.stringify(value))) as T;
  const eventFile = join(OUT, 'next', `${sample.source}-${sample.name}.json`);
  mkdirSync(join(OUT, 'next'), { recursive: true });
  writeFileSync(eventFile, renew(JSON.stringify(sample.event)));
  return { eventFile, responses: renewed(sample.responses), state: renewed(sample.state) };
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  console.log('Packaging with `sls package --stage stage` …');
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'sls'),
    ['package', '--stage', 'stage', '--package', join(OUT, 'package')],
    { cwd: ROOT, stdio: 'ignore' },
  );
  const rig = await startRig();
  const node22 = lambdaNode();
  const nodes: Array<{ title: string; path: string; rows: Row[] }> = [];
  if (node22)
    nodes.push({ title: `Node ${LAMBDA_NODE_VERSION} (Lambda's nodejs22.x)`, path: node22, rows: [] });
  nodes.push({ title: `Node ${process.version} (this machine)`, path: process.execPath, rows: [] });
  const lambda = nodes[0]?.path ?? process.execPath;
  const memory = new Map<Case, Map<number, Run[]>>();
  let memoryNote = '';
  try {
    // BENCH_ONLY=codepipeline,approvalRequest: those functions alone.
    const only = process.env.BENCH_ONLY?.split(',');
    const cases = casesOf(rig, join(OUT, 'package')).filter((c) => !only || only.includes(c.name));
    for (const c of cases) {
      // The work floor makes the calls the function made on its first run.
      let calls: Calls | undefined;
      await runOnce(rig, lambda, c.bundle, c, {
        calls: (made) => {
          calls = made;
        },
      });
      if (!calls) throw new Error(`${c.name} ${c.sample}: no calls seen`);
      c.floor = await buildFloor(join(OUT, 'floor', `${c.name}-${c.sample.replace(/\W+/g, '-')}`), calls);
      process.stdout.write(
        `${c.name} ${c.sample}: ${calls.aws.flat().length} AWS in ${calls.aws.length} wave(s), ${calls.dynamodb.length} DynamoDB, ${calls.slack.length} Slack calls … `,
      );
      for (const node of nodes) {
        const fn: Run[] = [];
        const floor: Run[] = [];
        const before: Run[] = [];
        // In turns, so that function and floor see the machine in the same state.
        for (let i = 0; i < RUNS; i++) {
          fn.push(await runOnce(rig, node.path, c.bundle, c));
          floor.push(await runOnce(rig, node.path, c.floor, c));
          if (c.before) before.push(await runOnce(rig, node.path, c.before.bundle, c));
        }
        node.rows.push(rowOf(c, fn, floor, before));
      }
      console.log('measured');
    }
    for (const mb of MEMORY_SIZES) {
      const probe = underCpuShare(mb, ['true']);
      if ('reason' in probe) {
        memoryNote = `No CPU share measured: ${probe.reason}. The memory table is not printed.`;
        break;
      }
      for (const c of cases) {
        const runs: Run[] = [];
        for (let i = 0; i < MEMORY_RUNS; i++)
          runs.push(await runOnce(rig, lambda, c.bundle, c, { memoryMb: mb }));
        memory.set(c, (memory.get(c) ?? new Map()).set(mb, runs));
      }
      console.log(`CPU share of ${mb} MB (${(shareOf(mb) * 100).toFixed(1)} % of a vCPU) measured.`);
    }
    await floodFigure(rig);
  } finally {
    await rig.close();
  }

  const { aws, dynamodb, slack } = rig.latency;
  console.log(
    `\nMedians (and interquartile ranges) of ${RUNS} fresh processes per row, each a container's life:`,
  );
  console.log(
    "init = process start to the bundle loaded (Lambda's Init Duration); cold→Slack = the first event",
  );
  console.log('to the start of its first Slack call; warm→Slack = the same for the next event (the same');
  console.log(
    'event of another run, state table cleared); warm handle = that whole event; CPU cold = CPU ms of',
  );
  console.log(
    'init + first event. floor = the work floor (the SDK and node:https alone, making the same calls',
  );
  console.log(
    'in parallel); × = function ÷ floor. DDB/AWS trips = sequential round trips to DynamoDB / other',
  );
  console.log(
    'AWS APIs before the first Slack call, of the calls made in all (cold). A row without any call (a\n' +
      'refused click, answered in the HTTP response) shows its handling time and has no floor to compare.',
  );
  console.log(
    `HTTPS everywhere; round trips injected: AWS ${aws} ms, DynamoDB ${dynamodb} ms, Slack ${slack} ms (a new connection: +2).`,
  );
  for (const node of nodes) printTable(node.title, node.rows);
  if (memory.size > 0)
    printMemory(
      `${nodes[0]?.title ?? 'Node'} under Lambda's CPU share per memory size (cgroup quota; ${MEMORY_RUNS} runs each): cold = init + event → first Slack call; $ = arm64 price of 1 000 warm events`,
      memory,
    );
  if (memoryNote) console.log(`\n${memoryNote}`);
  console.log(`\n${floodLine}`);
}

let floodLine = '';

/** The ECS flood gate against dynalite: posts per 100 stops of one service. */
async function floodFigure(rig: Rig): Promise<void> {
  const log = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const deps = { dynamo: rig.state.client, table: await rig.state.createTable(), log };
  const start = Date.parse('2026-11-21T09:00:00Z');
  let posts = 0;
  for (let i = 0; i < 100; i++) {
    // 100 stops, one every 6 s: 10 minutes, inside the default 15-minute window.
    if (
      (await admit('shop-cluster/shop-api-prod', 15, 'task.crashed', 'eu-west-1', start + i * 6000, deps))
        .admitted
    )
      posts++;
  }
  const summaries =
    (await sweep(start + 16 * 60_000, deps)).length + (await sweep(start + 30 * 60_000, deps)).length;
  floodLine = `ECS flood gate: 100 stop events of one service in one window → ${posts} message(s) + ${summaries} summary.`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
