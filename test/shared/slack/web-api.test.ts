import { SlackPermanentError, SlackUnavailableError } from '../../../shared/slack/attempts';
import type { SlackMessage } from '../../../shared/slack/message';
import { postToWebApi } from '../../../shared/slack/web-api';
import { type SlackServer, startSlackServer } from '../../../testkit/slack-receiver';
import { recordingLog } from '../../helpers/recording-log';

const MESSAGE: SlackMessage = {
  text: 'Build failed: shop-api #42',
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*Build failed*' } }],
};
const TOKEN = 'xoxb-local-test-token-0000';

let slack: SlackServer;

beforeEach(async () => {
  slack = await startSlackServer();
});

afterEach(async () => {
  await slack.close();
});

const target = (extra: Partial<Parameters<typeof postToWebApi>[0]> = {}) => ({
  token: TOKEN,
  channel: 'C0RELEASES',
  apiUrl: slack.apiUrl,
  ...extra,
});

describe('postToWebApi (@slack/web-api inside the delivery policy)', () => {
  it('posts with chat.postMessage, the token in the Authorization header only, and returns the ts', async () => {
    const { log, lines } = recordingLog();

    const result = await postToWebApi(target(), MESSAGE, {
      deadline: Date.now() + 5000,
      target: 'releases',
      log,
    });

    expect(result).toMatchObject({ channel: 'C0RELEASES', attempts: 1 });
    expect(result.ts).toMatch(/^\d+\.\d+$/);
    const [request] = slack.requests;
    expect(request?.path).toBe('/api/chat.postMessage');
    expect(request?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request?.body).not.toContain(TOKEN);
    expect(request?.json).toMatchObject({
      channel: 'C0RELEASES',
      text: MESSAGE.text,
      blocks: MESSAGE.blocks,
    });
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('replies in a thread, broadcast when asked, and updates a message in place', async () => {
    const { log } = recordingLog();
    const options = { deadline: Date.now() + 5000, target: 'releases', log };

    await postToWebApi(target({ threadTs: '1795000001.000100', broadcast: true }), MESSAGE, options);
    const updated = await postToWebApi(target({ updateTs: '1795000001.000100' }), MESSAGE, options);

    expect(slack.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage', '/api/chat.update']);
    expect(slack.requests[0]?.json).toMatchObject({
      thread_ts: '1795000001.000100',
      reply_broadcast: 'true',
    });
    expect(slack.requests[1]?.json).toMatchObject({ ts: '1795000001.000100', channel: 'C0RELEASES' });
    expect(updated.ts).toBe('1795000001.000100');
  });

  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    'fails at once on %s, keeping Slack error code',
    async (code) => {
      const { log } = recordingLog();
      slack.script({ status: 200, body: JSON.stringify({ ok: false, error: code }) });

      const attempt = postToWebApi(target(), MESSAGE, {
        deadline: Date.now() + 5000,
        target: 'releases',
        log,
      });

      await expect(attempt).rejects.toBeInstanceOf(SlackPermanentError);
      await expect(attempt).rejects.toMatchObject({ code });
      expect(slack.requests).toHaveLength(1);
    },
  );

  it('waits out a 429 Retry-After that fits the deadline, then posts once', async () => {
    const { log } = recordingLog();
    slack.script({ status: 429, headers: { 'retry-after': '1' } });

    const result = await postToWebApi(target(), MESSAGE, {
      deadline: Date.now() + 5000,
      target: 'releases',
      log,
    });

    expect(result.attempts).toBe(2);
    const [first, second] = slack.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('does not wait for a Retry-After that outlasts the deadline (the client alone would sleep it out)', async () => {
    const { log } = recordingLog();
    slack.script({ status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();

    const attempt = postToWebApi(target(), MESSAGE, { deadline: started + 3000, target: 'releases', log });

    await expect(attempt).rejects.toThrow('not delivered before the deadline: HTTP 429 ratelimited');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(slack.requests).toHaveLength(1);
  });

  it('retries a 5xx and a hung request within the deadline', async () => {
    const { log, lines } = recordingLog();
    slack.script({ status: 503 }, 'hang');

    const result = await postToWebApi(target(), MESSAGE, {
      deadline: Date.now() + 6000,
      target: 'releases',
      log,
      requestTimeoutMs: 800,
    });

    expect(result.attempts).toBe(3);
    expect(lines.filter((line) => line.message === 'Slack request failed')).toHaveLength(2);
  });

  it('gives up as unavailable when Slack never answers', async () => {
    const { log } = recordingLog();
    slack.script('hang', 'hang', 'hang', 'hang');
    const started = Date.now();

    const attempt = postToWebApi(target(), MESSAGE, {
      deadline: started + 2000,
      target: 'releases',
      log,
      requestTimeoutMs: 700,
    });

    await expect(attempt).rejects.toBeInstanceOf(SlackUnavailableError);
    expect(Date.now() - started).toBeLessThan(2100);
  });
});
