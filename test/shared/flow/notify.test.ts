import { type Describer, notify, PublishError, send } from '../../../shared/flow/notify';
import type { Notice } from '../../../shared/notice/notice';
import { type SlackServer, startSlackServer } from '../../../testkit/slack-receiver';
import { ROUTING, testRuntime } from '../../helpers/runtime';

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

let slack: SlackServer;

beforeEach(async () => {
  slack = await startSlackServer();
});

afterEach(async () => {
  await slack.close();
});

/** A source whose draft is NOTICE and whose enrichment adds a summary, recording what happens. */
function source(enrich: Describer<string, string>['enrich'] = async () => 'enriched') {
  const calls: string[] = [];
  const describer: Describer<string, string> = {
    describe: (kind, enrichment) => ({ ...NOTICE, kind, summary: enrichment ?? NOTICE.summary }),
    enrich: async (model, runtime) => {
      calls.push('enrich');
      return enrich(model, runtime);
    },
  };
  return { calls, describer };
}

describe('notify: one pass from a model to Slack', () => {
  it('posts the enriched notice once per channel, each with its own route mentions', async () => {
    const { runtime } = testRuntime(slack);
    const { describer } = source();

    await notify(runtime, 'build.failed', describer);

    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
    const [releases, alerts] = slack.messages();
    expect(releases?.text).toBe('Build failed: shop-api #7 — enriched');
    expect(alerts?.text).toBe('<!here> Build failed: shop-api #7 — enriched');
  });

  it('reads the webhook secrets while the source enriches', async () => {
    const { runtime, read } = testRuntime(slack);
    const seen: string[][] = [];
    const { describer } = source(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push([...read]);
      return 'enriched';
    });

    await notify(runtime, 'build.failed', describer);

    expect(seen).toEqual([['/herald/t/slack/releases', '/herald/t/slack/alerts']]);
    expect(read).toHaveLength(2);
  });

  it('makes no AWS read and no secret read for a muted notice, and says why (at debug level: it is expected)', async () => {
    const { runtime, read, lines } = testRuntime(slack);
    const { calls, describer } = source();

    await notify(runtime, 'build.started', describer);

    expect(calls).toEqual([]);
    expect(read).toEqual([]);
    expect(slack.requests).toHaveLength(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'debug',
        message: 'Notice not sent',
        attributes: expect.objectContaining({ reason: 'muted by "codebuild:build.started"' }),
      }),
    );
  });

  it('logs a notice that no route takes at info level', async () => {
    const { runtime, lines } = testRuntime(slack);
    runtime.routing = { ...runtime.routing, mute: [], routes: [] };
    const { describer } = source();

    await notify(runtime, 'build.started', describer);

    expect(slack.requests).toHaveLength(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'Notice not sent',
        attributes: expect.objectContaining({ reason: 'no route matches' }),
      }),
    );
  });

  it('posts nothing when, having looked, the source has nothing to say', async () => {
    const { runtime, lines } = testRuntime(slack);
    const { describer } = source(async () => ({ silenced: 'folded into the open window' }));

    await notify(runtime, 'build.failed', describer);

    expect(slack.requests).toHaveLength(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        attributes: expect.objectContaining({ reason: 'folded into the open window' }),
      }),
    );
  });

  it('fails, posting nothing, when enrichment throws', async () => {
    const { runtime } = testRuntime(slack);
    const { describer } = source(async () => {
      throw new Error('boom');
    });

    await expect(notify(runtime, 'build.failed', describer)).rejects.toThrow('boom');
    expect(slack.requests).toHaveLength(0);
  });
});

describe('send: routing and delivery of a finished notice', () => {
  it('posts once when every channel shares one webhook (SLACK_WEBHOOK_URL), with every mention', async () => {
    const { runtime, read } = testRuntime(slack, { env: { SLACK_WEBHOOK_URL: slack.webhookUrl } });

    const delivered = await send(runtime, NOTICE);

    expect(delivered).toEqual(['releases', 'alerts']);
    expect(slack.requests).toHaveLength(1);
    expect(slack.messages()[0]?.text).toMatch(/^<!here> /);
    expect(read).toEqual([]);
  });

  it('posts once to channels whose SSM parameters hold the same webhook URL', async () => {
    const same = `${slack.url}/services/T0/shared/x`;
    const { runtime, read } = testRuntime(slack, {
      parameters: { '/herald/t/slack/releases': same, '/herald/t/slack/alerts': same },
    });

    expect(await send(runtime, NOTICE)).toEqual(['releases', 'alerts']);
    expect(read).toEqual(['/herald/t/slack/releases', '/herald/t/slack/alerts']);
    expect(slack.requests).toHaveLength(1);
  });

  it('posts to the Web API channel in app mode (SLACK_BOT_TOKEN + SLACK_CHANNEL), once', async () => {
    const token = 'xoxb-local-test-token-0000';
    const { runtime, read, lines } = testRuntime(slack, {
      env: { SLACK_BOT_TOKEN: token, SLACK_CHANNEL: 'C0LOCAL01', SLACK_API_URL: slack.apiUrl },
    });

    await send(runtime, NOTICE);

    expect(slack.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
    expect(slack.requests[0]?.json).toMatchObject({
      channel: 'C0LOCAL01',
      text: expect.stringContaining('<!here>'),
    });
    expect(read).toEqual([]);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Notice delivered',
        attributes: expect.objectContaining({ via: 'web-api', target: 'releases+alerts' }),
      }),
    );
    expect(JSON.stringify(lines)).not.toContain(token);
  });

  it('sends the plain text once when Slack rejects the blocks, logging the Slack error code', async () => {
    const { runtime, lines } = testRuntime(slack, {
      routing: { ...ROUTING, routes: [{ channels: ['releases'] }] },
    });
    slack.script({ status: 400, body: 'invalid_blocks' }, { status: 200, body: 'ok' });

    expect(await send(runtime, NOTICE)).toEqual(['releases']);

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

  it('fails when the webhook is gone (404 no_service) after one request, logging the code and why', async () => {
    const { runtime, lines } = testRuntime(slack, {
      routing: { ...ROUTING, routes: [{ channels: ['releases'] }] },
    });
    slack.script({ status: 404, body: 'no_service' });

    await expect(send(runtime, NOTICE)).rejects.toBeInstanceOf(PublishError);

    expect(slack.requests).toHaveLength(1);
    const failed = lines.find((line) => line.message === 'Notice not delivered');
    expect(failed?.attributes).toMatchObject({
      slackError: 'no_service',
      problem: 'Slack rejected the message for "releases": HTTP 404 no_service',
    });
    // Powertools drops a `message` attribute: the reason must travel under another key.
    expect(failed?.attributes).not.toHaveProperty('message');
  });

  it('still tries the other channels when one fails, then fails', async () => {
    const { runtime } = testRuntime(slack);
    slack.script({ status: 403, body: 'invalid_token' });

    await expect(send(runtime, NOTICE)).rejects.toThrow('not delivered to releases');
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
  });

  it('posts nothing when a webhook secret cannot be read, naming the parameter', async () => {
    const { runtime } = testRuntime(slack, {
      parameters: { '/herald/t/slack/releases': `${slack.url}/services/T0/releases/x` },
    });

    await expect(send(runtime, NOTICE)).rejects.toThrow(
      'Cannot read the webhook of channel "alerts" from SSM parameter /herald/t/slack/alerts: ParameterNotFound',
    );
    expect(slack.requests).toHaveLength(0);
  });

  it('posts nothing when a secret is not an https webhook URL, without saying what it is', async () => {
    const { runtime } = testRuntime(slack, {
      parameters: {
        '/herald/t/slack/releases': 'xoxb-not-a-url',
        '/herald/t/slack/alerts': 'http://example.com/x',
      },
    });

    const failure = await send(runtime, NOTICE).catch((error: unknown) => error);

    expect(String(failure)).toContain('does not hold an https webhook URL');
    expect(String(failure)).not.toContain('xoxb-not-a-url');
    expect(slack.requests).toHaveLength(0);
  });

  it('posts the plain text when rendering fails, logs the bug, and does not fail the invocation', async () => {
    const { runtime, lines } = testRuntime(slack, {
      routing: { ...ROUTING, routes: [{ channels: ['releases'] }] },
    });
    // A describer bug: a list without items (the renderer reads them).
    const broken = { ...NOTICE, details: [{ type: 'list', label: 'Files', noun: 'file', items: null }] };

    expect(await send(runtime, broken as unknown as Notice)).toEqual(['releases']);

    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.json).toEqual({
      text: 'Build failed: shop-api #7 — BUILD phase failed',
      blocks: [],
    });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'Render failed: posted the plain text instead (a bug in Herald)',
        attributes: expect.objectContaining({
          kind: 'build.failed',
          problem: expect.stringContaining('TypeError'),
        }),
      }),
    );
    expect(lines.map((line) => line.message)).not.toContain('Notice not delivered');
  });
});

describe('notify: what a notice records for others happens whatever routing says', () => {
  function recording(record: () => Promise<string | { silenced: string }>) {
    const calls: string[] = [];
    const describer: Describer<string, string, string> = {
      describe: (kind, enrichment) => ({ ...NOTICE, kind, summary: enrichment ?? NOTICE.summary }),
      record: async (_model, _runtime, routed) => {
        calls.push(routed ? 'record' : 'record (not routed)');
        return record();
      },
      enrich: async (_model, _runtime, recorded) => {
        calls.push(`enrich with ${recorded}`);
        return 'enriched';
      },
    };
    return { calls, describer };
  }

  it('records a muted notice, and neither enriches nor posts it', async () => {
    const { runtime } = testRuntime(slack, { routing: { ...ROUTING, mute: ['codebuild:build.failed'] } });
    const { calls, describer } = recording(async () => 'the bake window');

    await notify(runtime, 'build.failed', describer);

    expect(calls).toEqual(['record (not routed)']);
    expect(slack.requests).toHaveLength(0);
  });

  it('hands what it recorded to the enrichment of a routed notice', async () => {
    const { runtime } = testRuntime(slack, { routing: { ...ROUTING, routes: [{ channels: ['releases'] }] } });
    const { calls, describer } = recording(async () => 'the bake window');

    await notify(runtime, 'build.failed', describer);

    expect(calls).toEqual(['record', 'enrich with the bake window']);
    expect(slack.messages()).toHaveLength(1);
  });

  it('stays silent when the record says so (an alert folded into its window)', async () => {
    const { runtime, lines } = testRuntime(slack);
    const { calls, describer } = recording(async () => ({ silenced: 'folded into the open window' }));

    await notify(runtime, 'build.failed', describer);

    expect(calls).toEqual(['record']);
    expect(slack.requests).toHaveLength(0);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Notice not sent',
        attributes: expect.objectContaining({ reason: 'folded into the open window' }),
      }),
    );
  });

  it('still posts when recording fails, logging why', async () => {
    const { runtime, lines } = testRuntime(slack, {
      routing: { ...ROUTING, routes: [{ channels: ['releases'] }] },
    });
    const { calls, describer } = recording(async () => {
      throw Object.assign(new Error('throttled'), { name: 'ProvisionedThroughputExceededException' });
    });

    await notify(runtime, 'build.failed', describer);

    expect(calls).toEqual(['record', 'enrich with undefined']);
    expect(slack.messages()).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        attributes: expect.objectContaining({ error: 'ProvisionedThroughputExceededException' }),
      }),
    );
  });
});
