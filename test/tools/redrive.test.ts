import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  ACCOUNT,
  type AdminWorld,
  type AwsAdminStandIn,
  type StandInFunction,
  type StoredMessage,
  startAwsAdminStandIn,
} from '../../testkit/aws-admin-stand-in';
import { main } from '../../tools/redrive';
import { isStageFunction, readRecord, redrive } from '../../tools/redrive/redrive';

const ROOT = join(__dirname, '..', '..');
const QUEUE = 'herald-qa-failed-events';
const BUILD_FAILED = JSON.parse(readFileSync(join(ROOT, 'events', 'codebuild', 'failed.json'), 'utf8'));
const CODESTAR = JSON.parse(readFileSync(join(ROOT, 'events', 'codebuild', 'codestar-failed.json'), 'utf8'));

/** What Lambda's on-failure destination puts in the queue after the retries of an event failed. */
function failureRecord(functionName: string, event: unknown): string {
  return JSON.stringify({
    version: '1.0',
    timestamp: '2026-11-20T14:10:41.077Z',
    requestContext: {
      requestId: 'c2a6f2ae-7dbb-4d22-8782-d0485c9877e2',
      functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${functionName}:$LATEST`,
      condition: 'RetriesExhausted',
      approximateInvokeCount: 3,
    },
    requestPayload: event,
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: {
      errorType: 'SlackUnavailableError',
      errorMessage: 'Slack answered HTTP 503 three times',
      trace: [],
    },
  });
}

const message = (id: string, functionName: string, event: unknown = BUILD_FAILED): StoredMessage => ({
  id,
  body: failureRecord(functionName, event),
});

const succeeds: StandInFunction = () => ({});
const failsAgain: StandInFunction = () => ({
  error: { errorType: 'SlackPermanentError', errorMessage: 'Slack answered 404 no_service\nfor releases' },
});

let aws: AwsAdminStandIn;

beforeAll(async () => {
  aws = await startAwsAdminStandIn();
});

afterAll(async () => {
  await aws.close();
});

function clients() {
  const options = { endpoint: aws.url, region: 'eu-west-1', maxAttempts: 1 };
  return { sqs: new SQSClient(options), lambda: new LambdaClient(options) };
}

/** Redrives stage qa's queue against the stand-in: the lines printed and the result. */
async function run(world: AdminWorld, dryRun = false) {
  aws.use(world);
  const lines: string[] = [];
  const result = await redrive(clients(), { stage: 'qa', dryRun, print: (line) => lines.push(line) });
  return { lines, result };
}

/** The messages a new reader would receive now (the kept ones must be visible again at once). */
const visible = () => aws.visible(QUEUE);

describe('redrive', () => {
  it('runs the failed function again with its original event and deletes the message', async () => {
    const { lines, result } = await run({
      queues: { [QUEUE]: [message('0a1b2c3d-0001', 'herald-qa-codebuild')] },
      functions: { 'herald-qa-codebuild': succeeds },
    });

    expect(aws.invoked).toEqual([
      {
        functionName: 'herald-qa-codebuild',
        qualifier: '$LATEST',
        invocationType: 'RequestResponse',
        event: BUILD_FAILED,
      },
    ]);
    expect(aws.deleted).toEqual([{ queue: QUEUE, id: '0a1b2c3d-0001' }]);
    expect(lines).toEqual([
      '✓ 0a1b2c3d herald-qa-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: ran again and succeeded; deleted from the queue',
      `1 message in ${QUEUE}: 1 redriven and deleted, 0 kept.`,
    ]);
    expect(result).toEqual({ messages: 1, redriven: 1, kept: 0, wouldRedrive: 0, exitCode: 0 });
    expect(visible()).toBe(0);
  });

  it('keeps a message whose function fails again, says why, and makes it visible again', async () => {
    const { lines, result } = await run({
      queues: {
        [QUEUE]: [
          message('0a1b2c3d-0001', 'herald-qa-codebuild'),
          message('9f8e7d6c-0002', 'herald-qa-codebuild', CODESTAR),
        ],
      },
      functions: { 'herald-qa-codebuild': failsAgain },
    });

    expect(aws.invoked.map((invocation) => invocation.event)).toEqual([BUILD_FAILED, CODESTAR]);
    expect(aws.deleted).toEqual([]);
    expect(lines).toEqual([
      '✗ 0a1b2c3d herald-qa-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: failed again (SlackPermanentError: Slack answered 404 no_service for releases); kept in the queue',
      '✗ 9f8e7d6c herald-qa-codebuild, an aws:sns record of 2026-11-20T14:07:42.091Z: failed again (SlackPermanentError: Slack answered 404 no_service for releases); kept in the queue',
      `2 messages in ${QUEUE}: 0 redriven and deleted, 2 kept.`,
    ]);
    expect(result.exitCode).toBe(1);
    expect(visible()).toBe(2);
    expect(aws.calls.filter((call) => call === 'AmazonSQS.ChangeMessageVisibility')).toHaveLength(2);
    // Visible again at once: a second run finds them.
    const again = await redrive(clients(), { stage: 'qa', print: () => undefined });
    expect(again.messages).toBe(2);
  });

  it("never invokes another stage's function (nor one whose stage only starts like this one)", async () => {
    const { lines, result } = await run({
      queues: {
        [QUEUE]: [
          message('11111111-a', 'herald-stage-codebuild'),
          message('22222222-b', 'herald-qa-eu-codebuild'),
          message('33333333-c', 'payments-qa-worker'),
          message('44444444-d', 'herald-qa-ecs'),
        ],
      },
      functions: {
        'herald-stage-codebuild': succeeds,
        'herald-qa-eu-codebuild': succeeds,
        'payments-qa-worker': succeeds,
        'herald-qa-ecs': succeeds,
      },
    });

    expect(aws.invoked.map((invocation) => invocation.functionName)).toEqual(['herald-qa-ecs']);
    expect(aws.deleted).toEqual([{ queue: QUEUE, id: '44444444-d' }]);
    expect(aws.queue(QUEUE).map((m) => m.id)).toEqual(['11111111-a', '22222222-b', '33333333-c']);
    expect(lines.slice(0, 3)).toEqual([
      '✗ 11111111 herald-stage-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not a function of stage qa, not invoked; kept in the queue',
      '✗ 22222222 herald-qa-eu-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not a function of stage qa, not invoked; kept in the queue',
      '✗ 33333333 payments-qa-worker, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not a function of stage qa, not invoked; kept in the queue',
    ]);
    expect(result).toMatchObject({ messages: 4, redriven: 1, kept: 3, exitCode: 1 });
    expect(visible()).toBe(3);
  });

  it('keeps what is not a failure record, and a function that no longer exists', async () => {
    const { lines, result } = await run({
      queues: {
        [QUEUE]: [
          { id: 'aaaaaaaa-1', body: 'hello' },
          { id: 'bbbbbbbb-2', body: JSON.stringify({ requestContext: { functionArn: 'nope' } }) },
          message('cccccccc-3', 'herald-qa-gone'),
        ],
      },
      functions: {},
    });

    expect(lines.slice(0, 3)).toEqual([
      '✗ aaaaaaaa: not JSON; kept in the queue',
      '✗ bbbbbbbb: no function ARN in requestContext.functionArn; kept in the queue',
      '✗ cccccccc herald-qa-gone, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: the function does not exist (any more): not invoked; kept in the queue',
    ]);
    expect(aws.deleted).toEqual([]);
    expect(result).toMatchObject({ messages: 3, kept: 3, exitCode: 1 });
  });

  it('keeps every message when it may not invoke, naming the permission', async () => {
    const { lines } = await run({
      queues: { [QUEUE]: [message('0a1b2c3d-0001', 'herald-qa-codebuild')] },
      functions: { 'herald-qa-codebuild': succeeds },
      denied: ['Lambda.Invoke'],
    });

    expect(lines[0]).toBe(
      '✗ 0a1b2c3d herald-qa-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not invoked: your credentials need lambda:InvokeFunction on it; kept in the queue',
    );
    expect(aws.deleted).toEqual([]);
  });

  it('reads past the first ten messages', async () => {
    const many = Array.from({ length: 23 }, (_, i) =>
      message(`m${String(i).padStart(7, '0')}`, 'herald-qa-ecs'),
    );

    const { result } = await run({ queues: { [QUEUE]: many }, functions: { 'herald-qa-ecs': succeeds } });

    expect(result).toMatchObject({ messages: 23, redriven: 23, kept: 0, exitCode: 0 });
    expect(aws.invoked).toHaveLength(23);
    expect(visible()).toBe(0);
  });

  it('with --dry-run, lists what would run and why it failed, invoking and deleting nothing', async () => {
    const { lines, result } = await run(
      {
        queues: {
          [QUEUE]: [
            message('0a1b2c3d-0001', 'herald-qa-codebuild'),
            message('11111111-a', 'herald-stage-ecs'),
          ],
        },
        functions: { 'herald-qa-codebuild': succeeds },
      },
      true,
    );

    expect(lines).toEqual([
      '· 0a1b2c3d herald-qa-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z (RetriesExhausted after 3 attempts at 2026-11-20T14:10:41.077Z: SlackUnavailableError: Slack answered HTTP 503 three times): would run again',
      '✗ 11111111 herald-stage-ecs, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not a function of stage qa, not invoked; kept in the queue',
      `Dry run: 2 messages in ${QUEUE}, 1 would run again, 1 would stay; nothing was invoked or deleted.`,
    ]);
    expect(aws.calls).not.toContain('Lambda.Invoke');
    expect(aws.deleted).toEqual([]);
    expect(visible()).toBe(2);
    expect(result).toMatchObject({ wouldRedrive: 1, kept: 1, exitCode: 0 });
  });

  it('says so when the queue is empty', async () => {
    const { lines, result } = await run({ queues: { [QUEUE]: [] } });

    expect(lines).toEqual([`${QUEUE} is empty: nothing to redrive.`]);
    expect(result.exitCode).toBe(0);
  });

  it('says to deploy when the queue does not exist', async () => {
    const { lines, result } = await run({ queues: {} });

    expect(lines).toEqual([`✗ queue ${QUEUE} does not exist: deploy with npx sls deploy --stage qa`]);
    expect(result.exitCode).toBe(1);
  });
});

describe('reading a failure record', () => {
  it('takes the function and the original event from a Lambda destination record', () => {
    expect(readRecord(failureRecord('herald-qa-ecs', { a: 1 }))).toMatchObject({
      functionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:herald-qa-ecs:$LATEST`,
      functionName: 'herald-qa-ecs',
      event: { a: 1 },
      condition: 'RetriesExhausted',
      attempts: 3,
    });
    expect(
      readRecord(
        JSON.stringify({
          requestContext: { functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:f' },
        }),
      ),
    ).toEqual({
      problem: 'no requestPayload (the original event)',
    });
  });

  it.each([
    ['herald-qa-codebuild', true],
    ['herald-qa-approvalRequest', true],
    ['herald-qa-eu-codebuild', false],
    ['herald-qa-', false],
    ['herald-stage-codebuild', false],
  ])('%s is a function of stage qa: %s', (name, own) => {
    expect(isStageFunction(name, 'qa')).toBe(own);
  });
});

describe('npm run redrive', () => {
  it('prints its usage and exits 2 without a stage', async () => {
    const lines: string[] = [];

    expect(await main(['--dry-run'], (line) => lines.push(line))).toBe(2);
    expect(lines).toEqual(['usage: npm run redrive -- --stage <stage> [--dry-run] [--region <region>]']);
  });

  it('as a command, redrives with the default credential chain and exits 1 when a message stays', async () => {
    aws.use({
      queues: {
        [QUEUE]: [message('0a1b2c3d-0001', 'herald-qa-codebuild'), message('11111111-a', 'herald-stage-ecs')],
      },
      functions: { 'herald-qa-codebuild': succeeds },
    });
    const run = promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['tools/redrive.ts', '--stage', 'qa'],
      {
        cwd: ROOT,
        env: { ...process.env, AWS_ENDPOINT_URL: aws.url },
        timeout: 30_000,
      },
    );

    const failure = (await run.then(() => undefined).catch((error: unknown) => error)) as
      | { code?: number; stdout?: string }
      | undefined;

    expect(failure?.code).toBe(1);
    expect(failure?.stdout?.trim().split('\n')).toEqual([
      '✓ 0a1b2c3d herald-qa-codebuild, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: ran again and succeeded; deleted from the queue',
      '✗ 11111111 herald-stage-ecs, "CodeBuild Build State Change" of 2026-11-20T14:07:41Z: not a function of stage qa, not invoked; kept in the queue',
      `2 messages in ${QUEUE}: 1 redriven and deleted, 1 kept.`,
    ]);
    expect(aws.invoked.map((invocation) => invocation.functionName)).toEqual(['herald-qa-codebuild']);
  }, 30_000);
});
