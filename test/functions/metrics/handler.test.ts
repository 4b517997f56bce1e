/**
 * The weekly digest end to end: three releases of one pipeline played through the real handlers
 * (one reaching prod, one failing its build, one failing in prod and rolled back by CodeDeploy),
 * in app mode and in webhook mode, leave their history in the state table; the scheduled metrics
 * handler reads it with one Query of the ByTime index (no Scan) and posts the week's figures.
 */

import { DynamoDBClient, QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { resetForTests } from '../../../shared/lambda/container';
import { formatSpan, percentile } from '../../../shared/metrics/figures';
import { readHistory } from '../../../shared/state/history';
import { readShips } from '../../../shared/state/ships';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  PIPELINE,
  renamed,
} from '../../../testkit/releases';
import { captureLogs, lambdaContext } from '../../helpers/lambda';
import { useReleaseRig } from '../../helpers/release-rig';
import { visibleText } from '../../helpers/slack-limits';

const { play, rig } = useReleaseRig();
const { roundTrips } = require('../../../dev/bench/round-trips.cjs') as {
  roundTrips(requests: Array<{ start: number; end?: number }>): number;
};

/** Monday after the releases (all on Friday 20 November 2026). */
const DIGEST_AT = '2026-11-23T09:00:00Z';
const WEEK_MS = 7 * 86_400_000;

async function digest(time: string | undefined = DIGEST_AT) {
  const { handler } = (await import('../../../functions/metrics/handler')) as {
    handler: (event: unknown, context: Context) => Promise<void>;
  };
  const before = rig().slack.requests.length;
  const logs = captureLogs();
  try {
    await handler({ source: 'herald.metrics', 'detail-type': 'Weekly digest', time }, lambdaContext(20000));
  } finally {
    logs.restore();
  }
  const posted = rig()
    .slack.requests.slice(before)
    .filter((r) => r.accepted && r.method === 'POST');
  const texts = posted.map((r) => {
    const body = r.json as { text?: string; blocks?: never };
    return visibleText({ text: String(body.text ?? ''), blocks: body.blocks ?? [] });
  });
  return { texts, logs: logs.lines() };
}

/**
 * The three releases, each with deployments of its own (the shipped scenarios share their ids: each
 * plays alone elsewhere, and CodeDeploy never gives two deployments one id).
 */
async function playThree() {
  const failedProd = renamed(failedProdRelease(), {
    'd-PROD00001': 'd-PROD00003',
    'd-STAGE0001': 'd-STAGE0003',
  });
  for (const release of [happyRelease(), failedBuildRelease(), failedProd]) {
    const { failures } = await play(release, release.events);
    expect(failures).toEqual([]);
  }
}

const table = () => ({ dynamo: new DynamoDBClient({}), table: process.env.HERALD_STATE_TABLE ?? '' });

describe.each(['app', 'webhook'] as const)('the weekly digest (%s mode)', (mode) => {
  beforeEach(() => {
    if (mode === 'webhook') {
      delete process.env.SLACK_BOT_TOKEN;
      delete process.env.SLACK_CHANNEL;
      process.env.SLACK_WEBHOOK_URL = rig().slack.webhookUrl;
    } else delete process.env.SLACK_WEBHOOK_URL;
    resetForTests();
  });

  it('shows 2 prod deployments, a change failure rate of 50 %, the first one’s lead time and the third one’s recovery', async () => {
    await playThree();
    const at = Date.parse(DIGEST_AT);
    const history = await readHistory(table(), at - WEEK_MS, at);

    // What the history holds: one run each; the failed build never reached prod.
    const happy = history.find((r) => r.executionId === happyRelease().executionId);
    const build = history.find((r) => r.executionId === failedBuildRelease().executionId);
    const prod = history.find((r) => r.executionId === failedProdRelease().executionId);
    expect(history).toHaveLength(3);
    expect(build).toMatchObject({ outcome: 'failed' });
    expect(build?.prodEndedAt).toBeUndefined();
    expect(happy).toMatchObject({
      prodOutcome: 'succeeded',
      prodEndedAt: Date.parse('2026-11-20T16:18:00Z'),
    });
    expect(prod).toMatchObject({
      prodOutcome: 'failed',
      prodFailedAt: Date.parse('2026-11-20T14:46:00Z'),
      rolledBackBy: 'CodeDeploy (automatic rollback)',
      recoveredAt: Date.parse('2026-11-20T14:49:00Z'),
    });

    // The lead time of every commit the approval request listed as shipping, to the end of prod.
    const ships = await readShips(`${PIPELINE}#${happyRelease().executionId}`, table());
    const leads = (ships?.commits ?? [])
      .map((c) => Date.parse('2026-11-20T16:18:00Z') - Date.parse(c.at ?? ''))
      .sort((a, b) => a - b);
    expect(leads).toHaveLength(5);
    expect(happy?.commits?.map((c) => c.id)).toEqual(ships?.commits.map((c) => c.id));

    const { texts } = await digest();

    expect(texts).toHaveLength(1);
    const text = texts[0] ?? '';
    expect(text).toContain(PIPELINE);
    expect(text).toContain('Deployments: 1 successful to prod, 1 failed (1.0 a week; the week before 0)');
    expect(text).toContain(
      `Lead time: median ${formatSpan(percentile(leads, 50))}, 90 % within ${formatSpan(percentile(leads, 90))} (5 commits)`,
    );
    expect(text).toContain('Change failure rate: 50 % (1 of 2)');
    expect(text).toContain('Recovery: median 3 min (1 recovered)');
  });

  it("posts a week's digest once: a retry after the history grew posts nothing more", async () => {
    const { failures } = await play(happyRelease(), happyRelease().events);
    expect(failures).toEqual([]);
    const first = await digest();
    // Another pipeline's release recorded before Lambda retries the digest: its text would differ.
    const other = renamed(happyRelease(), {
      [PIPELINE]: 'shop-web-pipeline',
      'd-PROD00001': 'd-PROD00002',
      'd-STAGE0001': 'd-STAGE0002',
    });
    expect((await play(other, other.events)).failures).toEqual([]);

    const retried = await digest();

    expect(first.texts).toHaveLength(1);
    expect(first.texts[0]).toContain('1 pipeline');
    expect(retried.texts).toEqual([]);
    expect(JSON.stringify(retried.logs)).toMatch(/Notice already delivered/);
  });

  it('waits for one round trip to the state table before Slack: the claim goes beside the history', async () => {
    await playThree();
    const since = performance.timeOrigin + performance.now();
    const slackBefore = rig().slack.requests.length;

    const { texts } = await digest();

    const firstSlack = rig().slack.requests[slackBefore];
    const before = rig().state.timeline.filter((r) => r.start >= since && r.start < (firstSlack?.at ?? 0));
    expect(texts).toHaveLength(1);
    expect(before.map((r) => r.operation).sort()).toEqual(['Query', 'UpdateItem']);
    expect(roundTrips(before)).toBe(1);
  });

  it('posts nothing when no release happened in the last 8 weeks, and says why', async () => {
    const { texts, logs } = await digest();

    expect(texts).toEqual([]);
    expect(JSON.stringify(logs)).toMatch(/Notice not sent.*no release in the last 8 weeks/);
  });
});

describe('the digest’s reads', () => {
  it('read a period with Query on the ByTime index, never a Scan', async () => {
    const dynamo = mockClient(DynamoDBClient);
    dynamo.on(QueryCommand).resolves({ Items: [] });
    try {
      await readHistory({ dynamo: new DynamoDBClient({}), table: 'herald-stage-state' }, 0, WEEK_MS);

      expect(dynamo.commandCalls(ScanCommand)).toHaveLength(0);
      expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
        IndexName: 'ByTime',
        KeyConditionExpression: 'series = :series AND #at BETWEEN :from AND :until',
      });
    } finally {
      dynamo.restore();
    }
  });

  it('refuses an event that is not its schedule with a clear log line, posting nothing', async () => {
    const { handler } = (await import('../../../functions/metrics/handler')) as {
      handler: (event: unknown, context: Context) => Promise<void>;
    };
    const logs = captureLogs();
    try {
      await handler({ source: 'aws.codebuild', detail: {} }, lambdaContext(20000));
    } finally {
      logs.restore();
    }

    expect(JSON.stringify(logs.lines())).toMatch(/Event could not be read.*not a digest schedule/);
  });
});
