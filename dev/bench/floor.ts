/**
 * A function's work floor: a bundle of the AWS SDK and node:https alone that makes exactly the
 * calls the function made on its sample (the same AWS operations, the very DynamoDB requests it
 * sent, the same Slack posts) and nothing else: no Herald code, no parsing, no rendering, no
 * Slack client library. Its calls are as parallel as their data lets them be: a call waits for
 * an AWS read only when its request carries a value that first came in that read's answer (the
 * next commit of a walk, the task definition a deployment names, the commit a release's step
 * records: there, the very value), and the DynamoDB requests the function sent after its first
 * Slack call began go after the Slack posts; every other call goes at once (SSM included), then
 * the Slack posts one after another. How the function ordered its calls counts for nothing.
 * Built with the functions' own esbuild settings, so the SDK costs it what it costs them.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleLikeTheFunctions } from '../../testkit/bundle';

/** What a function did on its sample, as the stand-ins saw it. */
export interface Calls {
  /**
   * `X-Amz-Target`s, e.g. `CodeBuild_20161006.BatchGetBuilds`, in the waves their data requires
   * (`dependencyWaves`): the calls of a wave need an answer of the wave before.
   */
  aws: string[][];
  /**
   * The DynamoDB requests as sent (JSON, the SDK's input), each with the AWS wave it goes in
   * (1: the first), or after the Slack posts (`afterSlack`).
   */
  dynamodb: Array<{ operation: string; input: string; wave: number; afterSlack?: boolean }>;
  /** Slack calls: a webhook, a Web API method, or a response_url. */
  slack: Array<{ kind: 'webhook' | 'api' | 'response'; path: string }>;
}

/** The SDK client of each JSON protocol's target prefix. */
const CLIENTS: Record<string, { module: string; client: string }> = {
  AmazonSSM: { module: '@aws-sdk/client-ssm', client: 'SSMClient' },
  CodeBuild_20161006: { module: '@aws-sdk/client-codebuild', client: 'CodeBuildClient' },
  CodeCommit_20150413: { module: '@aws-sdk/client-codecommit', client: 'CodeCommitClient' },
  CodeDeploy_20141006: { module: '@aws-sdk/client-codedeploy', client: 'CodeDeployClient' },
  CodePipeline_20150709: { module: '@aws-sdk/client-codepipeline', client: 'CodePipelineClient' },
  Logs_20140328: { module: '@aws-sdk/client-cloudwatch-logs', client: 'CloudWatchLogsClient' },
  AmazonEC2ContainerServiceV20141113: { module: '@aws-sdk/client-ecs', client: 'ECSClient' },
};

/** The string values of a JSON text, at any depth (none when it is not JSON). */
function valuesOf(text: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (typeof value === 'string') found.push(value);
    else if (value && typeof value === 'object') for (const item of Object.values(value)) visit(item);
  };
  try {
    visit(JSON.parse(text));
  } catch {
    // Not JSON: nothing to depend on.
  }
  return found;
}

type Exchange = { target: string; request: string; response: string; start: number; end: number };

/**
 * Each AWS call's wave (1: the first): a call goes a wave after an earlier one that ended before
 * it started when its request carries a value (six characters or more) that was in that one's
 * answer (anywhere in its text) and not in what the function knew from the start (`given`: the
 * event, the routing file and the table's items, as text).
 */
function depthsOf(exchanges: Exchange[], given: string): number[] {
  const depth: number[] = [];
  exchanges.forEach((call, i) => {
    const asked = valuesOf(call.request).filter((value) => value.length >= 6 && !given.includes(value));
    // Anywhere in the answer: a value may come inside a text (the AppSpec of a deployment).
    const needs = (j: number) => asked.some((value) => exchanges[j]?.response.includes(value));
    depth.push(waveAfter(exchanges.slice(0, i), depth, call.start, needs));
  });
  return depth;
}

/**
 * The wave of a call sent at `start`: after each of `earlier` (the AWS calls, with their waves in
 * `depth`) that had answered by then with something it `needs`.
 */
function waveAfter(
  earlier: Exchange[],
  depth: number[],
  start: number,
  needs: (j: number) => boolean,
): number {
  let wave = 1;
  earlier.forEach((call, j) => {
    if (call.end <= start && needs(j)) wave = Math.max(wave, (depth[j] ?? 1) + 1);
  });
  return wave;
}

/** The AWS calls (in the order they were made) in the waves their data requires (`depthsOf`). */
export function dependencyWaves(exchanges: Exchange[], given: string): string[][] {
  const depth = depthsOf(exchanges, given);
  const waves: string[][] = [];
  exchanges.forEach((call, i) => {
    const wave = depth[i] ?? 1;
    while (waves.length < wave) waves.push([]);
    waves[wave - 1]?.push(call.target);
  });
  return waves;
}

/**
 * The string values a DynamoDB request carries (its `S` attribute values, and the strings inside
 * those that are JSON), six characters or more and not numbers: what it may have learnt from an
 * answer. Names and expressions are the function's own text.
 */
function carriedBy(request: string): string[] {
  const found: string[] = [];
  const visit = (value: unknown) => {
    if (!value || typeof value !== 'object') return;
    for (const [name, item] of Object.entries(value)) {
      if (name === 'S' && typeof item === 'string') {
        found.push(item);
        if (/^[[{]/.test(item)) found.push(...valuesOf(item));
      } else visit(item);
    }
  };
  try {
    visit(JSON.parse(request));
  } catch {
    // Not JSON: nothing carried.
  }
  return found.filter((value) => value.length >= 6 && !/^\d+$/.test(value));
}

/** Every string value of an answer, and of the JSON texts inside it (the AppSpec of a deployment). */
function answerValues(text: string): Set<string> {
  const found = new Set<string>();
  const visit = (value: string) => {
    found.add(value);
    if (/^[[{]/.test(value)) for (const inner of valuesOf(value)) visit(inner);
  };
  for (const value of valuesOf(text)) visit(value);
  return found;
}

/**
 * The DynamoDB requests of an invocation (in the order they were sent) with the wave each goes
 * in: after each AWS read whose answer held, as a value of its own, a value the request carries
 * and the function did not know (`given`: its event, routing file and the table's items before
 * it ran), and that ended before the request was sent; after the Slack posts when the function
 * sent it once its first Slack call had begun (the first `beforeSlack` went before it: nothing
 * before Slack needed the rest).
 */
export function dynamoWaves(
  requests: Array<{ operation: string; request: string; start: number }>,
  exchanges: Exchange[],
  beforeSlack: number,
  given: string,
): Calls['dynamodb'] {
  const depth = depthsOf(exchanges, given);
  const answers = exchanges.map((call) => answerValues(call.response));
  return requests.map((r, i) => {
    const carried = carriedBy(r.request).filter((value) => !given.includes(value));
    const wave = waveAfter(exchanges, depth, r.start, (j) => carried.some((value) => answers[j]?.has(value)));
    return {
      operation: r.operation,
      input: r.request,
      wave,
      ...(i >= beforeSlack ? { afterSlack: true } : {}),
    };
  });
}

/** The entry file's source (exported for the bench's own check of what it calls). */
export function floorSource(calls: Calls): string {
  const lines: string[] = [
    "import { request } from 'node:https';",
    `import { DynamoDBClient, ${[...new Set(calls.dynamodb.map((d) => `${d.operation}Command`))].join(', ')} } from '@aws-sdk/client-dynamodb';`,
  ];
  const used = new Map<string, { module: string; client: string; commands: Set<string> }>();
  for (const target of calls.aws.flat()) {
    const [prefix = '', operation = ''] = target.split('.');
    const client = CLIENTS[prefix];
    if (!client) throw new Error(`work floor: no SDK client known for ${target}`);
    const entry = used.get(prefix) ?? { ...client, commands: new Set<string>() };
    entry.commands.add(operation);
    used.set(prefix, entry);
  }
  for (const { module, client, commands } of used.values())
    lines.push(
      `import { ${client}, ${[...commands].map((c) => `${c}Command`).join(', ')} } from '${module}';`,
    );
  lines.push(
    'const table = process.env.HERALD_STATE_TABLE;',
    'const dynamo = new DynamoDBClient({});',
    ...[...used.entries()].map(([prefix, { client }]) => `const c_${prefix} = new ${client}({});`),
    '/** One HTTPS POST, its answer read to the end. */',
    'const post = (url, body, headers) => new Promise((resolve, reject) => {',
    "  const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => { res.resume(); res.on('end', resolve); });",
    "  req.on('error', reject); req.end(JSON.stringify(body));",
    '});',
    'const quiet = (p) => p.catch(() => undefined);',
    '/** A DynamoDB request as the function sent it, on this table. */',
    'const input = (text) => { const body = JSON.parse(text); if (body.TableName) body.TableName = table; if (body.RequestItems) body.RequestItems = Object.fromEntries(Object.values(body.RequestItems).map((items) => [table, items])); return body; };',
    'export const handler = async () => {',
    '  let webhook;',
  );
  const awsCall = (target: string) => {
    const [prefix = '', operation = ''] = target.split('.');
    if (target === 'AmazonSSM.GetParameter')
      return `    c_${prefix}.send(new GetParameterCommand({ Name: '/herald/stage/slack/releases', WithDecryption: true })).then((r) => { webhook = r.Parameter?.Value; }),`;
    return `    quiet(c_${prefix}.send(new ${operation}Command({}))),`;
  };
  const dynamoCall = (d: Calls['dynamodb'][number]) =>
    `    quiet(dynamo.send(new ${d.operation}Command(input(${JSON.stringify(d.input)})))),`;
  // Each wave together, after the one before: the AWS reads and DynamoDB requests it holds.
  const before = calls.dynamodb.filter((d) => !d.afterSlack);
  const waves = Math.max(calls.aws.length, ...before.map((d) => d.wave));
  for (let wave = 1; wave <= waves; wave++)
    lines.push(
      '  await Promise.all([',
      ...(calls.aws[wave - 1] ?? []).map(awsCall),
      ...before.filter((d) => d.wave === wave).map(dynamoCall),
      '  ]);',
    );
  for (const call of calls.slack) {
    if (call.kind === 'webhook')
      lines.push("  await post(webhook ?? process.env.SLACK_WEBHOOK_URL, { text: 'floor' });");
    else if (call.kind === 'api')
      lines.push(
        `  await post(process.env.SLACK_API_URL + '${call.path.split('/').pop()}', { channel: process.env.SLACK_CHANNEL, text: 'floor' }, { authorization: 'Bearer ' + process.env.SLACK_BOT_TOKEN });`,
      );
    else lines.push("  await post(process.env.BENCH_RESPONSE_URL, { text: 'floor' });");
  }
  const after = calls.dynamodb.filter((d) => d.afterSlack);
  if (after.length > 0) lines.push('  await Promise.all([', ...after.map(dynamoCall), '  ]);');
  lines.push('  return {};', '};');
  return `${lines.join('\n')}\n`;
}

/** Builds the floor of `calls` into `dir`; returns the bundle's path. */
export async function buildFloor(dir: string, calls: Calls): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, floorSource(calls));
  return bundleLikeTheFunctions(entry, join(dir, 'handler.js'));
}
