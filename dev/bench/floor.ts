/**
 * A function's work floor: a bundle of the AWS SDK and node:https alone that makes exactly the
 * calls the function made on its sample (the same AWS operations, the same number of DynamoDB
 * calls of each kind, the same Slack posts) and nothing else: no Herald code, no parsing, no
 * rendering, no Slack client library. Its calls are as parallel as their data lets them be: an
 * AWS read waits for another only when its request carries a value that first came in that
 * one's answer (the next commit of a walk, the task definition a deployment names); every other
 * AWS and DynamoDB call goes at once (SSM included), then the Slack posts one after another. How
 * the function ordered its calls counts for nothing. Built with the functions' own esbuild
 * settings, so the SDK costs it what it costs them.
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
  /** DynamoDB operations and how many of each, e.g. `{ UpdateItem: 3 }`. */
  dynamodb: Record<string, number>;
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

/** A request of each DynamoDB operation that dynalite answers on the state table. */
const DYNAMO_INPUT: Record<string, string> = {
  GetItem: `{ TableName: table, Key: { key: { S: 'floor#' + i } } }`,
  UpdateItem: `{ TableName: table, Key: { key: { S: 'floor#' + i } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '1' } } }`,
  DeleteItem: `{ TableName: table, Key: { key: { S: 'floor#' + i } } }`,
  PutItem: `{ TableName: table, Item: { key: { S: 'floor#' + i } } }`,
  Query: `{ TableName: table, IndexName: 'ByTime', KeyConditionExpression: 'series = :s', ExpressionAttributeValues: { ':s': { S: 'floor' } } }`,
  BatchGetItem: `{ RequestItems: { [table]: { Keys: [{ key: { S: 'floor#' + i } }] } } }`,
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

/**
 * The AWS calls (in the order they were made) in the waves their data requires: a call goes a
 * wave after an earlier one that ended before it started when its request carries a value (six
 * characters or more) that was in that one's answer (anywhere in its text) and not in what the
 * function knew from the start (`given`: the event and the routing file, as text).
 */
export function dependencyWaves(
  exchanges: Array<{ target: string; request: string; response: string; start: number; end: number }>,
  given: string,
): string[][] {
  const depth: number[] = [];
  exchanges.forEach((call, i) => {
    const asked = valuesOf(call.request).filter((value) => value.length >= 6 && !given.includes(value));
    let wave = 1;
    for (let j = 0; j < i; j++) {
      const earlier = exchanges[j];
      if (!earlier || earlier.end > call.start) continue;
      // Anywhere in the answer: a value may come inside a text (the AppSpec of a deployment).
      if (asked.some((value) => earlier.response.includes(value))) wave = Math.max(wave, (depth[j] ?? 1) + 1);
    }
    depth.push(wave);
  });
  const waves: string[][] = [];
  exchanges.forEach((call, i) => {
    const wave = depth[i] ?? 1;
    while (waves.length < wave) waves.push([]);
    waves[wave - 1]?.push(call.target);
  });
  return waves;
}

/** The entry file's source (exported for the bench's own check of what it calls). */
export function floorSource(calls: Calls): string {
  const lines: string[] = [
    "import { request } from 'node:https';",
    "import { DynamoDBClient, GetItemCommand, UpdateItemCommand, DeleteItemCommand, PutItemCommand, QueryCommand, BatchGetItemCommand } from '@aws-sdk/client-dynamodb';",
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
    'export const handler = async () => {',
    '  let webhook;',
  );
  const awsCall = (target: string) => {
    const [prefix = '', operation = ''] = target.split('.');
    if (target === 'AmazonSSM.GetParameter')
      return `    c_${prefix}.send(new GetParameterCommand({ Name: '/herald/stage/slack/releases', WithDecryption: true })).then((r) => { webhook = r.Parameter?.Value; }),`;
    return `    quiet(c_${prefix}.send(new ${operation}Command({}))),`;
  };
  // The first wave: every call that needs no answer, DynamoDB's too; then each wave after the last.
  lines.push('  await Promise.all([', ...(calls.aws[0] ?? []).map(awsCall));
  let i = 0;
  for (const [operation, count] of Object.entries(calls.dynamodb)) {
    const input = DYNAMO_INPUT[operation];
    if (!input) throw new Error(`work floor: no DynamoDB request known for ${operation}`);
    for (let n = 0; n < count; n++)
      lines.push(`    quiet(dynamo.send(new ${operation}Command(((i) => (${input}))(${i++})))),`);
  }
  lines.push('  ]);');
  for (const wave of calls.aws.slice(1)) lines.push('  await Promise.all([', ...wave.map(awsCall), '  ]);');
  for (const call of calls.slack) {
    if (call.kind === 'webhook')
      lines.push("  await post(webhook ?? process.env.SLACK_WEBHOOK_URL, { text: 'floor' });");
    else if (call.kind === 'api')
      lines.push(
        `  await post(process.env.SLACK_API_URL + '${call.path.split('/').pop()}', { channel: process.env.SLACK_CHANNEL, text: 'floor' }, { authorization: 'Bearer ' + process.env.SLACK_BOT_TOKEN });`,
      );
    else lines.push("  await post(process.env.BENCH_RESPONSE_URL, { text: 'floor' });");
  }
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
