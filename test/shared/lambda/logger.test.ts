/**
 * Herald's log lines keep the shape of AWS Lambda Powertools' logger (which Herald used before), so
 * that Logs Insights queries and the README's troubleshooting keep working.
 */
import type { Context } from 'aws-lambda';
import { HeraldLogger, logger } from '../../../shared/lambda/logger';
import { withHerald } from '../../../shared/lambda/middleware';
import { captureLogs } from '../../../testkit/capture-logs';

const context = (id: string) =>
  ({
    functionName: 'herald-stage-codebuild',
    memoryLimitInMB: '512',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:herald-stage-codebuild',
    awsRequestId: id,
    getRemainingTimeInMillis: () => 3000,
  }) as unknown as Context;

it('writes one JSON line per entry, with the invocation’s keys, cold start first', async () => {
  const handler = withHerald('codebuild', async () => {
    logger.info('Notice delivered', { kind: 'build.failed', target: 'releases' });
    return 'done';
  });
  const capture = captureLogs();
  try {
    await handler({}, context('req-1'));
    await handler({}, context('req-2'));
    logger.info('between invocations');
  } finally {
    capture.restore();
  }
  const [first, second, between] = capture.lines();

  expect(first).toEqual({
    level: 'INFO',
    message: 'Notice delivered',
    timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
    service: 'herald',
    cold_start: true,
    function_name: 'herald-stage-codebuild',
    function_memory_size: 512,
    function_arn: 'arn:aws:lambda:eu-west-1:123456789012:function:herald-stage-codebuild',
    function_request_id: 'req-1',
    kind: 'build.failed',
    target: 'releases',
  });
  expect(second).toMatchObject({ function_request_id: 'req-2', cold_start: false });
  expect(between).not.toHaveProperty('function_request_id');
});

it('logs a failed invocation at error level, then hands the error to Lambda', async () => {
  const handler = withHerald('codebuild', async () => {
    throw Object.assign(new Error('Slack answered 503'), { name: 'SlackUnavailableError' });
  });
  const capture = captureLogs();
  const outcome = await handler({}, context('req-3')).catch((error: unknown) => error);
  capture.restore();

  expect(outcome).toMatchObject({ name: 'SlackUnavailableError' });
  expect(capture.lines()).toContainEqual(
    expect.objectContaining({
      level: 'ERROR',
      message: 'codebuild invocation failed',
      error: { name: 'SlackUnavailableError', message: 'Slack answered 503' },
      function_request_id: 'req-3',
    }),
  );
});

it('keeps to its level, and writes an Error as its name, message and where it was thrown', () => {
  const log = new HeraldLogger('herald');
  log.setLogLevel('WARN');
  const capture = captureLogs();
  log.info('not shown');
  log.warn('shown', { error: new TypeError('bad input') });
  log.setLogLevel('SILENT');
  log.error('not shown either');
  capture.restore();
  const lines = capture.lines();

  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({
    level: 'WARN',
    message: 'shown',
    error: { name: 'TypeError', message: 'bad input', location: expect.stringContaining('logger.test.ts') },
  });
});

it('never throws for an attribute JSON cannot hold (a cycle, a BigInt): the line still goes out', () => {
  const log = new HeraldLogger('herald');
  const cycle: Record<string, unknown> = { name: 'loop' };
  cycle.self = cycle;
  const capture = captureLogs();
  log.error('Could not record', { detail: cycle, count: 10n });
  capture.restore();

  expect(capture.lines()).toEqual([
    expect.objectContaining({
      message: 'Could not record',
      detail: { name: 'loop', self: '[Circular]' },
      count: '10',
    }),
  ]);
});
