/**
 * `npm run bench`: for each function built by the real `sls package`, the bundle size (minified,
 * no source map) and the cold-init time: the median over fresh Node processes that load the
 * bundle and handle one sample event, with Slack and AWS on local stand-ins (the SDK reaches the
 * stand-in over HTTP, SSM included; loading `node:http` for that is not counted, Lambda talks
 * HTTPS). Measured on Node 22, Lambda's nodejs22.x (npm's node-linux-<arch> binary, fetched once
 * into build/), and on the local Node. An empty handler and the floor (the SDK reading one SSM
 * parameter) are measured the same way; each function's ratio to the floor is the figure to
 * watch. Prints figures and marks each target ✓ or ✗; asserts nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { admit, sweep } from '../shared/state/flood';
import { bundleLikeTheFunctions } from '../testkit/bundle';
import { commonAnswers, type LocalRig, listSamples, startLocalRig } from '../testkit/samples';
import { clickPayload, signedRequest, TEST_SIGNING_SECRET } from '../testkit/slack-interaction';

const ROOT = join(__dirname, '..');
const OUT = join(ROOT, 'build', 'bench');
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
/** Which sample stands for each function's typical cold start (the heaviest common path). */
const BENCH_SAMPLES: Record<string, string[]> = {
  codebuild: ['failed', 'succeeded'],
  codecommit: ['reference-updated'],
  codedeploy: ['failure'],
  codepipeline: ['pipeline-failed'],
  ecs: ['task-crashed'],
  approval: ['request'],
};
/** Samples measured again in app mode (Web API, release card). */
const APP_MODE_SAMPLES = ['codepipeline/pipeline-failed', 'codebuild/failed'];
/** Zips are named after the function key, samples after the events folder. */
const SAMPLE_FOLDER: Record<string, string> = { approvalRequest: 'approval' };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

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

interface Timing {
  boot: number;
  load: number;
  handle: number;
  total: number;
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

/** One fresh process; asynchronous, because the stand-ins answer from this process's event loop. */
function coldStart(node: string, bundle: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [join(__dirname, 'bench-driver.cjs'), bundle, eventFile], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', () => {
      const line = stderr.split('\n').find((l) => l.startsWith('BENCH'));
      if (!line?.startsWith('BENCH ')) reject(new Error(`bench run failed: ${line ?? stderr.slice(0, 500)}`));
      else resolve(JSON.parse(line.slice(6)) as Timing);
    });
  });
}

/**
 * The bundles are measured in turns, run after run, so that they see the machine in the same state.
 * Each run gets an empty state table, so the delivery log lets every run post (as a new event would).
 */
async function measure(
  node: string,
  bundles: string[],
  eventFile: string,
  env: NodeJS.ProcessEnv,
  rig: LocalRig,
): Promise<Timing[][]> {
  const timings: Timing[][] = bundles.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [index, bundle] of bundles.entries()) {
      const table = await rig.state.createTable();
      timings[index]?.push(await coldStart(node, bundle, eventFile, { ...env, HERALD_STATE_TABLE: table }));
    }
  }
  return timings;
}

/** Medians of one row: a function on one sample, on one Node. */
interface Measured {
  name: string;
  sample: string;
  sizeKb: number;
  init: number;
  handle: number;
  total: number;
  emptyTotal: number;
  before?: { sizeKb: number; total: number };
}

const BUNDLE_TARGET_KB = 300;
const FLOOR_RATIO_TARGET = 1.5;
const mark = (ok: boolean) => (ok ? '✓' : '✗');

/** One table per Node: figures, ratios to the empty handler and to the floor, targets marked. */
function printTable(title: string, rows: Measured[]): void {
  const floor = rows.find((r) => r.name === '(floor)');
  const header = [
    'function',
    'sample',
    'bundle KB',
    'init ms',
    'handle ms',
    'cold-init ms',
    '÷ empty',
    '÷ floor',
    `≤ ${BUNDLE_TARGET_KB} KB`,
    `≤ ${FLOOR_RATIO_TARGET}× floor`,
    ...(AGAINST ? ['before KB', 'before ms', 'change'] : []),
  ];
  const cells = rows.map((r) => {
    const floorRatio = floor ? r.total / floor.total : Number.NaN;
    const isFloor = r === floor;
    return [
      r.name,
      r.sample,
      r.sizeKb.toFixed(1),
      r.init.toFixed(1),
      r.handle.toFixed(1),
      r.total.toFixed(1),
      (r.total / r.emptyTotal).toFixed(2),
      floor ? floorRatio.toFixed(2) : '-',
      isFloor ? '' : mark(r.sizeKb <= BUNDLE_TARGET_KB),
      isFloor || !floor ? '' : mark(floorRatio <= FLOOR_RATIO_TARGET),
      ...(AGAINST ? againstCells(r) : []),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (row: string[]) => row.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  const passed = cells.filter((c) => c[8] === '✓').length;
  const within = cells.filter((c) => c[9] === '✓').length;
  const measured = rows.length - (floor ? 1 : 0);
  console.log(`\n${title}`);
  console.log(line(header));
  for (const row of cells) console.log(line(row));
  console.log(
    `Targets: bundle ≤ ${BUNDLE_TARGET_KB} KB ${passed}/${measured} pass; cold-init ≤ ${FLOOR_RATIO_TARGET}× the floor ${within}/${measured} pass.`,
  );
}

/** `BENCH_AGAINST=<folder of an earlier sls package>`: each function is measured beside its earlier build. */
const AGAINST = process.env.BENCH_AGAINST;

function bundleOf(zipFile: string, into: string): { bundle: string; sizeKb: number } {
  const js = unpack(zipFile, into).filter((f) => f.endsWith('.js'));
  const bundle = js.find((f) => f.endsWith('handler.js')) ?? js[0];
  if (!bundle) throw new Error(`${zipFile} holds no JavaScript`);
  return { bundle, sizeKb: js.reduce((n, f) => n + statSync(f).size, 0) / 1024 };
}

/**
 * The floor: a bundle that only reads one SSM parameter with the SDK (what every function does to
 * find its webhook), built with the same esbuild settings and plugins as the functions.
 */
async function buildReference(dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(
    entry,
    `import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
const ssm = new SSMClient({});
export const handler = () => ssm.send(new GetParameterCommand({ Name: '/herald/stage/slack/releases', WithDecryption: true }));
`,
  );
  return bundleLikeTheFunctions(entry, join(dir, 'handler.js'));
}

async function main(): Promise<void> {
  rmSync(OUT, { recursive: true, force: true });
  console.log('Packaging with `sls package --stage stage` …');
  execFileSync(
    join(ROOT, 'node_modules', '.bin', 'sls'),
    ['package', '--stage', 'stage', '--package', join(OUT, 'package')],
    {
      cwd: ROOT,
      stdio: 'ignore',
    },
  );

  const rig = await startLocalRig();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_REGION: 'eu-west-1',
    HERALD_STAGE: 'stage',
    AWS_ENDPOINT_URL: rig.aws.url,
    AWS_ENDPOINT_URL_DYNAMODB: rig.state.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDBENCHONLY',
    AWS_SECRET_ACCESS_KEY: 'bench-only',
    AWS_SESSION_TOKEN: 'bench-only-session',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    // The deployed path: the delivery log claims and records each post (on dynalite; a fresh
    // table per run is set by measure()).
    POWERTOOLS_LOG_LEVEL: 'INFO',
    // slackActions verifies clicks with this local secret (an SSM read in the deployed stack).
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  };

  const appEnv = {
    SLACK_BOT_TOKEN: 'xoxb-local-bench-0000',
    SLACK_CHANNEL: 'C0BENCH01',
    SLACK_API_URL: rig.slack.apiUrl,
  };
  const emptyDir = join(OUT, 'empty');
  mkdirSync(emptyDir, { recursive: true });
  const emptyBundle = join(emptyDir, 'handler.js');
  writeFileSync(emptyBundle, 'exports.handler = async () => ({});\n');

  const node22 = lambdaNode();
  const nodes: Array<{ title: string; path: string; rows: Measured[] }> = [];
  if (node22)
    nodes.push({ title: `Node ${LAMBDA_NODE_VERSION} (Lambda's nodejs22.x)`, path: node22, rows: [] });
  nodes.push({ title: `Node ${process.version} (this machine)`, path: process.execPath, rows: [] });

  /** The function, its earlier build (BENCH_AGAINST) and the empty handler, in turns, on each Node. */
  const row = async (
    name: string,
    sample: string,
    bundle: string,
    sizeKb: number,
    eventFile: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ) => {
    const earlier = AGAINST && name !== '(floor)' ? join(AGAINST, `${name}.zip`) : undefined;
    const before = earlier ? bundleOf(earlier, join(OUT, 'against', name)) : undefined;
    const bundles = before ? [bundle, emptyBundle, before.bundle] : [bundle, emptyBundle];
    for (const node of nodes) {
      const [fn = [], empty = [], then = []] = await measure(
        node.path,
        bundles,
        eventFile,
        { ...env, ...extraEnv },
        rig,
      );
      node.rows.push({
        name,
        sample,
        sizeKb,
        init: median(fn.map((t) => t.boot + t.load)),
        handle: median(fn.map((t) => t.handle)),
        total: median(fn.map((t) => t.total)),
        emptyTotal: median(empty.map((t) => t.total)),
        before:
          before && then.length > 0
            ? { sizeKb: before.sizeKb, total: median(then.map((t) => t.total)) }
            : undefined,
      });
    }
  };
  const zips = readdirSync(join(OUT, 'package')).filter((f) => f.endsWith('.zip'));
  try {
    for (const zip of zips) {
      const name = zip.replace(/\.zip$/, '');
      const { bundle, sizeKb } = bundleOf(join(OUT, 'package', zip), join(OUT, name));
      if (name === 'slackActions') {
        // A click needs a fresh signature (±5 minutes): made now, with the local signing secret.
        rig.aws.use({ 'CodePipeline_20150709.PutApprovalResult': { approvedAt: Date.now() / 1000 } });
        const click = join(OUT, 'click.json');
        writeFileSync(
          click,
          JSON.stringify(
            signedRequest(clickPayload({ responseUrl: `${rig.slack.url}/actions/T0/1/bench` }), {
              timestamp: Math.floor(Date.now() / 1000),
            }),
          ),
        );
        // The shipped routing files list no approvers: the click is verified, then refused via response_url.
        await row(name, 'click (verified)', bundle, sizeKb, click);
        continue;
      }
      const folder = SAMPLE_FOLDER[name] ?? name;
      const samples = listSamples().filter(
        (s) => s.source === folder && (BENCH_SAMPLES[folder] ?? []).includes(s.name),
      );
      for (const sample of samples) {
        rig.aws.use({ ...commonAnswers(), ...sample.responses });
        await row(name, sample.name, bundle, sizeKb, join(ROOT, sample.file));
        // App mode: the Web API client, the release item and its card (SSM not read for the token).
        if (APP_MODE_SAMPLES.includes(`${folder}/${sample.name}`)) {
          await row(name, `${sample.name} (app)`, bundle, sizeKb, join(ROOT, sample.file), appEnv);
        }
      }
    }
    const reference = await buildReference(join(OUT, 'reference'));
    await row(
      '(floor)',
      'SSM read',
      reference,
      statSync(reference).size / 1024,
      join(ROOT, 'events/codebuild/failed.json'),
    );
    await floodFigure(rig);
  } finally {
    await rig.close();
  }

  console.log(`\nMedians of ${RUNS} fresh processes per row. cold-init: from process start to the first`);
  console.log(
    'event handled (Slack and AWS on local stand-ins, SSM included, loading node:http not counted);',
  );
  console.log('init: process start to the bundle loaded (what Lambda reports as Init Duration); handle: the');
  console.log('first event. ÷ empty: against an empty handler measured in turns with it. ÷ floor: against');
  console.log(
    '(floor), the SDK reading one SSM parameter and nothing else, bundled the same way: no function',
  );
  console.log('that reads a secret can beat it.');
  for (const node of nodes) printTable(node.title, node.rows);
  console.log(`\n${floodLine}`);
}

let floodLine = '';

/** Size and cold-init of the earlier build, and how the cold-init changed since. */
function againstCells(r: Measured): string[] {
  if (!r.before) return ['-', '-', '-'];
  const change = ((r.total - r.before.total) / r.before.total) * 100;
  return [
    r.before.sizeKb.toFixed(1),
    r.before.total.toFixed(1),
    `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`,
  ];
}

/** The ECS flood gate against dynalite: posts per 100 stops of one service. */
async function floodFigure(rig: LocalRig): Promise<void> {
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
