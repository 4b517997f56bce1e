/**
 * Mistakes caught at package time, each in one line with its fix: params that still hold the
 * shipped examples (said), a service pipeline without its service or outside Herald's watch
 * lists (refused).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');
const { exampleParams } = require('../../build-tools/examples.js') as {
  exampleParams: (params: Record<string, string>) => string[];
};
const { serviceProblems } = require('../../build-tools/service-check.js') as {
  serviceProblems: (service: string, stage: string, provider?: string) => string[];
};

const EXAMPLES = {
  createPipeline: 'true',
  sourceProvider: 'CodeCommit',
  sourceRepository: 'my-service',
  connectionArn: 'arn:aws:codeconnections:us-east-1:123456789012:connection/0',
  stageProdListenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/x/0/0',
  taskRoleArn: 'arn:aws:iam::123456789012:role/my-service-task',
};

describe('params that still hold the examples', () => {
  it('are named when this stage creates its pipeline from them', () => {
    expect(exampleParams(EXAMPLES)).toEqual(['stageProdListenerArn', 'taskRoleArn', 'sourceRepository']);
  });

  it('are fine for a Herald without its pipeline, and real values are never flagged', () => {
    expect(exampleParams({ ...EXAMPLES, createPipeline: 'false' })).toEqual([]);
    expect(
      exampleParams({
        ...EXAMPLES,
        sourceRepository: 'shop-api',
        stageProdListenerArn: 'arn:aws:elasticloadbalancing:eu-west-1:210987654321:listener/app/shop/1/2',
        taskRoleArn: 'arn:aws:iam::210987654321:role/shop-api-task',
      }),
    ).toEqual([]);
  });
});

describe('a service pipeline (service-pipeline.yml)', () => {
  it('needs its service, and says how to give it', () => {
    expect(serviceProblems('', 'platform')).toEqual([
      'service-pipeline.yml needs the service: npx sls deploy -c service-pipeline.yml --stage <Herald\'s stage> --param="service=<name>"',
    ]);
  });

  it("is refused for a service outside the watch lists of Herald's stage, naming the lists", () => {
    expect(serviceProblems('billing', 'platform')).toEqual([
      'service "billing": Herald "platform" does not watch billing-pipeline (watch.pipelines: checkout-pipeline, search-pipeline, pay-*); billing-app (watch.applications: checkout-app, search-app, pay-*); billing-app (watch.buildProjects: checkout-app, search-app, pay-*); billing (watch.repositories: checkout, search, pay-*): add them to the watch lists of config/routing/platform.json and deploy Herald first, or its events would be refused',
    ]);
  });

  it('passes for a watched service, by name or by prefix', () => {
    expect(serviceProblems('checkout', 'platform')).toEqual([]);
    expect(serviceProblems('pay-ledger', 'platform')).toEqual([]);
  });

  it('is refused by sls package in one line, not pages, when the service is missing', async () => {
    const failure = (await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'sls'),
      [
        'package',
        '-c',
        'service-pipeline.yml',
        '--stage',
        'platform',
        '--package',
        join(ROOT, 'build', 'sls-no-service'),
      ],
      { cwd: ROOT, timeout: 90_000 },
    ).then(
      () => undefined,
      (error: unknown) => error,
    )) as { stdout?: string; stderr?: string } | undefined;

    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    expect(output).toContain('service-pipeline.yml needs the service');
    expect(output).not.toMatch(/^\s+at /m);
    expect(output.split('\n').filter((line) => line.trim()).length).toBeLessThan(10);
  }, 120_000);
});

describe('the weekly digest’s schedule (build-tools/digest.js)', () => {
  const { scheduleOf } = require('../../build-tools/digest.js') as {
    scheduleOf: (routing: unknown) => { expression: string; timeZone: string; enabled: boolean };
  };

  it('is Mondays 09:00 by default, in the working hours’ time zone when there is one, else UTC', () => {
    expect(scheduleOf({})).toEqual({ expression: 'cron(0 9 ? * MON *)', timeZone: 'UTC', enabled: true });
    expect(scheduleOf({ workingHours: { timeZone: 'Europe/Berlin' } }).timeZone).toBe('Europe/Berlin');
  });

  it('follows the routing file, and is packaged disabled with "digest": false', () => {
    expect(scheduleOf({ digest: { day: 'Fri', time: '16:30', timeZone: 'Asia/Seoul' } })).toEqual({
      expression: 'cron(30 16 ? * FRI *)',
      timeZone: 'Asia/Seoul',
      enabled: true,
    });
    expect(scheduleOf({ digest: false }).enabled).toBe(false);
  });
});
