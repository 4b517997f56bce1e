import { createFakeTable, type FakeTable } from '../../dev/fake-dynamo';
import { type SlackServer, startSlackServer } from '../../dev/slack-receiver';
import { dynamoDeliveryLog, fingerprint } from '../../shared/delivery-log';
import type { Notice } from '../../shared/notice';
import { PublishError, publish } from '../../shared/publish';
import type { RoutingConfig } from '../../shared/routing/schema';
import { recordingLog } from '../helpers/recording-log';

const NOTICE: Notice = {
  source: 'codebuild',
  kind: 'build.failed',
  severity: 'failure',
  title: 'Build failed: shop-api #7',
  facts: [{ label: 'Project', value: 'shop-api' }],
  details: [],
  links: [],
  context: [],
  correlation: { buildId: 'shop-api:7' },
  occurredAt: '2026-11-20T14:07:41.000Z',
};

const ROUTING: RoutingConfig = {
  channels: {
    releases: { webhookParameter: '/herald/t/releases' },
    alerts: { webhookParameter: '/herald/t/alerts' },
  },
  routes: [{ channels: ['releases', 'alerts'] }],
};

let slack: SlackServer;
let table: FakeTable;

beforeEach(async () => {
  slack = await startSlackServer();
  table = createFakeTable();
});

afterEach(async () => {
  await slack.close();
});

function deps(now = () => Date.now()) {
  const { log, lines } = recordingLog();
  return {
    lines,
    deps: {
      routing: ROUTING,
      webhookFor: async (channel: string) => `${slack.url}/services/T0/${channel}/x`,
      log,
      deadline: Date.now() + 5000,
      deliveryLog: dynamoDeliveryLog({ dynamo: table, table: 'state', log, now }),
    },
  };
}

describe('the delivery log', () => {
  it('posts a notice once per channel however often its event comes', async () => {
    const { deps: d, lines } = deps();

    await publish(NOTICE, d);
    await publish(NOTICE, d);
    await publish({ ...NOTICE }, d);

    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
    expect(lines.filter((l) => l.message === 'Notice already delivered')).toHaveLength(4);
  });

  it('after a partial failure, the retry posts only where it failed', async () => {
    const { deps: d } = deps();
    slack.script({ status: 200, body: 'ok' }, { status: 404, body: 'no_service' });

    await expect(publish(NOTICE, d)).rejects.toBeInstanceOf(PublishError);
    await publish(NOTICE, d);

    expect(slack.requests.map((r) => r.path)).toEqual([
      '/services/T0/releases/x',
      '/services/T0/alerts/x',
      '/services/T0/alerts/x',
    ]);
  });

  it('knows a notice by its draft, so a retry whose AWS reads went differently is still recognised', async () => {
    const { deps: d } = deps();
    const draft = NOTICE;
    const enriched: Notice = {
      ...NOTICE,
      details: [{ type: 'text', label: 'Reason', text: 'exit status 1' }],
    };
    const degraded: Notice = { ...NOTICE, context: ['Not available: build log (ThrottlingException)'] };

    await publish(enriched, d, { identity: draft });
    await publish(degraded, d, { identity: draft });

    expect(slack.requests).toHaveLength(2);
  });

  it('tells different events apart', () => {
    expect(fingerprint(NOTICE)).toBe(fingerprint({ ...NOTICE }));
    expect(fingerprint(NOTICE)).not.toBe(fingerprint({ ...NOTICE, correlation: { buildId: 'shop-api:8' } }));
    expect(fingerprint(NOTICE)).not.toBe(fingerprint({ ...NOTICE, occurredAt: '2026-11-20T14:07:42.000Z' }));
  });

  it('takes over a claim whose sender died, once its lease is over', async () => {
    let now = Date.parse('2026-11-20T14:08:00Z');
    const { deps: d } = deps(() => now);
    await d.deliveryLog.claim(fingerprint(NOTICE), 'releases');

    await publish(NOTICE, d);
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/alerts/x']);
    now += 61_000;
    await publish(NOTICE, d);

    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/alerts/x', '/services/T0/releases/x']);
  });

  it('posts anyway when the log cannot be written: a duplicate is better than a lost alert', async () => {
    const { log, lines } = recordingLog();
    const broken = {
      send: async () => Promise.reject(Object.assign(new Error('down'), { name: 'InternalServerError' })),
    };
    const d = {
      ...deps().deps,
      log,
      deliveryLog: dynamoDeliveryLog({ dynamo: broken, table: 'state', log }),
    };

    await publish(NOTICE, d);

    expect(slack.requests).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'Delivery log unavailable; posting without it' }),
    );
  });
});
