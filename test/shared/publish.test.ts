import { type SlackServer, startSlackServer } from '../../dev/slack-receiver';
import type { Notice } from '../../shared/notice';
import { PublishError, publish } from '../../shared/publish';
import type { RoutingConfig } from '../../shared/routing/schema';
import { recordingLog } from '../helpers/recording-log';

const NOTICE: Notice = {
  source: 'codebuild',
  kind: 'build.failed',
  severity: 'failure',
  title: 'Build failed: shop-api #7',
  summary: 'BUILD phase failed',
  facts: [{ label: 'Project', value: 'shop-api' }],
  details: [],
  links: [],
  context: ['CodeBuild'],
  correlation: {},
};

const ROUTING: RoutingConfig = {
  channels: {
    releases: { webhookParameter: '/herald/test/slack/releases' },
    alerts: { webhookParameter: '/herald/test/slack/alerts' },
  },
  routes: [
    { channels: ['releases'] },
    { severities: ['failure'], channels: ['alerts'], mentions: ['<!here>'] },
  ],
  mute: ['codebuild:build.started'],
};

let slack: SlackServer;

beforeEach(async () => {
  slack = await startSlackServer();
});

afterEach(async () => {
  await slack.close();
});

describe('publish', () => {
  it('posts once per channel, with the route mentions, to the webhooks named by SSM parameters', async () => {
    const { log } = recordingLog();
    const asked: string[] = [];
    const webhookFor = async (channel: string) => {
      asked.push(channel);
      return `${slack.url}/services/T0/${channel}/x`;
    };

    const outcome = await publish(NOTICE, { routing: ROUTING, webhookFor, log, deadline: Date.now() + 5000 });

    expect(outcome.delivered).toEqual(['releases', 'alerts']);
    expect(asked).toEqual(['releases', 'alerts']);
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
    expect(slack.messages()[1]?.text).toMatch(/^<!here> /);
  });

  it('posts once when every channel shares one webhook (SLACK_WEBHOOK_URL)', async () => {
    const { log } = recordingLog();

    await publish(NOTICE, {
      routing: ROUTING,
      webhookFor: async () => slack.webhookUrl,
      log,
      deadline: Date.now() + 5000,
    });

    expect(slack.requests).toHaveLength(1);
  });

  it('sends nothing for a muted kind and says why', async () => {
    const { log, lines } = recordingLog();

    const outcome = await publish(
      { ...NOTICE, kind: 'build.started', severity: 'info' },
      { routing: ROUTING, webhookFor: async () => slack.webhookUrl, log, deadline: Date.now() + 5000 },
    );

    expect(outcome.skipped).toBe('muted by "codebuild:build.started"');
    expect(slack.requests).toHaveLength(0);
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: 'Notice not sent' }));
  });

  it('sends the plain text once when Slack rejects the blocks, logging the Slack error code', async () => {
    const { log, lines } = recordingLog();
    slack.script({ status: 400, body: 'invalid_blocks' }, { status: 200, body: 'ok' });
    const routing: RoutingConfig = { ...ROUTING, routes: [{ channels: ['releases'] }] };

    const outcome = await publish(NOTICE, {
      routing,
      webhookFor: async () => slack.webhookUrl,
      log,
      deadline: Date.now() + 5000,
    });

    expect(outcome.delivered).toEqual(['releases']);
    expect(slack.requests).toHaveLength(2);
    expect(slack.messages()[0]?.blocks).not.toHaveLength(0);
    expect(slack.requests[1]?.json).toEqual({
      text: 'Build failed: shop-api #7 — BUILD phase failed',
      blocks: [],
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ slackError: 'invalid_blocks' }),
      }),
    );
  });

  it('fails when the webhook is gone (404 no_service), after one request, logging the code', async () => {
    const { log, lines } = recordingLog();
    slack.script({ status: 404, body: 'no_service' });
    const routing: RoutingConfig = { ...ROUTING, routes: [{ channels: ['releases'] }] };

    const attempt = publish(NOTICE, {
      routing,
      webhookFor: async () => slack.webhookUrl,
      log,
      deadline: Date.now() + 5000,
    });

    await expect(attempt).rejects.toBeInstanceOf(PublishError);
    expect(slack.requests).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ slackError: 'no_service' }),
      }),
    );
  });

  it('still tries the other channels when one fails, then fails', async () => {
    const { log } = recordingLog();
    slack.script({ status: 403, body: 'invalid_token' });
    const webhookFor = async (channel: string) => `${slack.url}/services/T0/${channel}/x`;

    const attempt = publish(NOTICE, { routing: ROUTING, webhookFor, log, deadline: Date.now() + 5000 });

    await expect(attempt).rejects.toThrow('not delivered to releases');
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
  });

  it('posts nothing when a webhook cannot be resolved', async () => {
    const { log } = recordingLog();
    const webhookFor = async (channel: string) => {
      if (channel === 'alerts') throw new Error('parameter missing');
      return slack.webhookUrl;
    };

    await expect(
      publish(NOTICE, { routing: ROUTING, webhookFor, log, deadline: Date.now() + 5000 }),
    ).rejects.toThrow('parameter missing');
    expect(slack.requests).toHaveLength(0);
  });
});
