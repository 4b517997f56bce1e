import { type SlackServer, startSlackServer } from '../../dev/slack-receiver';
import { readConfig } from '../../shared/config';
import type { DeliveryLog } from '../../shared/delivery-log';
import type { Notice } from '../../shared/notice';
import type { RoutingConfig } from '../../shared/routing/schema';
import { notify, type Runtime } from '../../shared/runtime';
import { recordingLog } from '../helpers/recording-log';

const DRAFT: Notice = {
  source: 'ecs',
  kind: 'task.crashed',
  severity: 'failure',
  title: 'Task crashed: shop-api-prod',
  facts: [],
  details: [],
  links: [],
  context: [],
  correlation: { task: 'a1' },
};

const ROUTING: RoutingConfig = {
  channels: { alerts: { webhookParameter: '/herald/t/alerts' } },
  routes: [{ channels: ['alerts'] }],
};

let slack: SlackServer;

beforeEach(async () => {
  slack = await startSlackServer();
});

afterEach(async () => {
  await slack.close();
});

function rig() {
  const calls: string[] = [];
  const deliveryLog: DeliveryLog = {
    claim: async (_id, channel) => {
      calls.push(`claim ${channel}`);
      return true;
    },
    sent: async (_id, channel) => {
      calls.push(`sent ${channel}`);
    },
    release: async (_id, channel) => {
      calls.push(`release ${channel}`);
    },
  };
  const runtime: Runtime = {
    config: readConfig({ AWS_REGION: 'eu-west-1', HERALD_STAGE: 'stage' }),
    routing: ROUTING,
    webhookFor: async () => slack.webhookUrl,
    log: recordingLog().log,
    deadline: Date.now() + 5000,
    deliveryLog,
  };
  return { calls, runtime };
}

describe('notify', () => {
  it('claims the channels in the delivery log while the notice is being completed', async () => {
    const { calls, runtime } = rig();

    await notify(runtime, DRAFT, async () => {
      calls.push('completing');
      return { ...DRAFT, summary: 'enriched' };
    });

    expect(calls).toEqual(['claim alerts', 'completing', 'sent alerts']);
    expect(slack.messages()).toHaveLength(1);
  });

  it('gives the claims back when, having looked, there is nothing to send', async () => {
    const { calls, runtime } = rig();

    await notify(runtime, DRAFT, async () => undefined);

    expect(calls).toEqual(['claim alerts', 'release alerts']);
    expect(slack.requests).toHaveLength(0);
  });

  it('gives the claims back and fails when completing the notice fails', async () => {
    const { calls, runtime } = rig();

    await expect(
      notify(runtime, DRAFT, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(calls).toEqual(['claim alerts', 'release alerts']);
  });

  it('gives the claims back when the webhook cannot be read', async () => {
    const { calls, runtime } = rig();
    runtime.webhookFor = async () => {
      throw new Error('no secret');
    };

    await expect(notify(runtime, DRAFT, async () => DRAFT)).rejects.toThrow('no secret');
    expect(calls).toEqual(['claim alerts', 'release alerts']);
    expect(slack.requests).toHaveLength(0);
  });
});
