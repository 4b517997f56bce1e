/**
 * `npm run bench`: for each function built by the real `sls package`, the bundle size (minified,
 * no source map) and the cold-init time: the median over fresh Node processes that load the
 * bundle and handle one sample event, with Slack and AWS on local stand-ins (the SDK reaches the
 * stand-in over HTTP, SSM included). An empty handler is measured the same way in the same run;
 * the ratio is the figure to watch. Prints figures; asserts nothing.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { admit, sweep } from '../functions/ecs/flood';
import { bundleLikeTheFunctions } from './bundle';
import { type LocalRig, listSamples, startLocalRig } from './samples';
import { clickPayload, signedRequest, TEST_SIGNING_SECRET } from './slack-interaction';

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

/** One fresh process; asynchronous, because the stand-ins answer from this process's event loop. */
function coldStart(bundle: string, eventFile: string, env: NodeJS.ProcessEnv): Promise<Timing> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'bench-driver.cjs'), bundle, eventFile], {
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
  bundles: string[],
  eventFile: string,
  env: NodeJS.ProcessEnv,
  rig: LocalRig,
): Promise<Timing[][]> {
  const timings: Timing[][] = bundles.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [index, bundle] of bundles.entries()) {
      const table = await rig.state.createTable();
      timings[index]?.push(await coldStart(bundle, eventFile, { ...env, HERALD_STATE_TABLE: table }));
    }
  }
  return timings;
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

  const rows: string[][] = [];
  const row = async (
    name: string,
    sample: string,
    bundle: string,
    sizeKb: number,
    eventFile: string,
    extraEnv: NodeJS.ProcessEnv = {},
  ) => {
    // The function, its earlier build (BENCH_AGAINST) and the empty handler, measured in turns.
    const earlier = AGAINST && name !== '(floor)' ? join(AGAINST, `${name}.zip`) : undefined;
    const before = earlier ? bundleOf(earlier, join(OUT, 'against', name)) : undefined;
    const bundles = before ? [bundle, emptyBundle, before.bundle] : [bundle, emptyBundle];
    const [fn = [], empty = [], then = []] = await measure(bundles, eventFile, { ...env, ...extraEnv }, rig);
    const init = median(fn.map((t) => t.boot + t.load));
    const emptyInit = median(empty.map((t) => t.boot + t.load));
    const total = median(fn.map((t) => t.total));
    const emptyTotal = median(empty.map((t) => t.total));
    return [
      name,
      sample,
      sizeKb.toFixed(1),
      init.toFixed(1),
      (init / emptyInit).toFixed(2),
      median(fn.map((t) => t.handle)).toFixed(1),
      total.toFixed(1),
      emptyTotal.toFixed(1),
      (total / emptyTotal).toFixed(2),
      ...(AGAINST ? againstCells(before?.sizeKb, then, total) : []),
    ];
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
        rows.push(await row(name, 'click (verified)', bundle, sizeKb, click));
        continue;
      }
      const folder = SAMPLE_FOLDER[name] ?? name;
      const samples = listSamples().filter(
        (s) => s.source === folder && (BENCH_SAMPLES[folder] ?? []).includes(s.name),
      );
      for (const sample of samples) {
        rig.aws.use(sample.responses);
        rows.push(await row(name, sample.name, bundle, sizeKb, join(ROOT, sample.file)));
        // App mode: the Web API client, the release item and its card (SSM not read for the token).
        if (APP_MODE_SAMPLES.includes(`${folder}/${sample.name}`)) {
          rows.push(await row(name, `${sample.name} (app)`, bundle, sizeKb, join(ROOT, sample.file), appEnv));
        }
      }
    }
    const reference = await buildReference(join(OUT, 'reference'));
    rows.push(
      await row(
        '(floor)',
        'SSM read',
        reference,
        statSync(reference).size / 1024,
        join(ROOT, 'events/codebuild/failed.json'),
      ),
    );
    await floodFigure(rig);
  } finally {
    await rig.close();
  }

  const header = [
    'function',
    'sample',
    'bundle KB',
    'init ms',
    'init ratio',
    'handle ms',
    'cold-init ms',
    'empty ms',
    'ratio',
    ...(AGAINST ? ['before KB', 'before ms', 'change'] : []),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ');
  console.log(
    `\nMedians of ${RUNS} fresh Node ${process.version} processes per row. cold-init: from process start to`,
  );
  console.log(
    'the first event handled (Slack and AWS on local stand-ins, SSM included); init: process start to',
  );
  console.log(
    'the bundle loaded (what Lambda reports as Init Duration); handle: the first event. Ratios are',
  );
  console.log(
    'against an empty handler measured right after, the same way. (floor): the SDK reading one SSM',
  );
  console.log(
    'parameter and nothing else, bundled the same way: no function that reads a secret can beat it.\n',
  );
  console.log(line(header));
  for (const row of rows) console.log(line(row));
  console.log('\nTargets: bundle ≤ 300 KB, ratio ≤ 1.5.');
  console.log(floodLine);
}

let floodLine = '';

/** Size and cold-init of the earlier build, and how the cold-init changed since. */
function againstCells(sizeKb: number | undefined, then: Timing[], total: number): string[] {
  if (sizeKb === undefined || then.length === 0) return ['-', '-', '-'];
  const before = median(then.map((t) => t.total));
  const change = ((total - before) / before) * 100;
  return [sizeKb.toFixed(1), before.toFixed(1), `${change >= 0 ? '+' : ''}${change.toFixed(1)} %`];
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
