import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SlackPermanentError, SlackUnavailableError } from '../../../shared/slack/attempts';
import type { SlackMessage } from '../../../shared/slack/message';
import { postToWebhook as deliver } from '../../../shared/slack/webhook';
import { type SlackServer, startSlackServer } from '../../../testkit/slack-receiver';
import { recordingLog } from '../../helpers/recording-log';

const MESSAGE: SlackMessage = { text: 'Build failed: shop-api #42', blocks: [] };

let slack: SlackServer;

beforeEach(async () => {
  slack = await startSlackServer();
});

afterEach(async () => {
  await slack.close();
});

describe('postToWebhook (@slack/webhook inside the delivery policy)', () => {
  it('posts the message as JSON once when Slack answers 200', async () => {
    const { log } = recordingLog();

    const result = await deliver(slack.webhookUrl, MESSAGE, {
      deadline: Date.now() + 10000,
      target: 'releases',
      log,
    });

    expect(result).toEqual({ attempts: 1 });
    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.method).toBe('POST');
    expect(slack.requests[0]?.headers['content-type']).toBe('application/json');
    expect(slack.requests[0]?.headers['user-agent']).toMatch(/^@slack:webhook\/8\./);
    expect(slack.requests[0]?.json).toEqual(MESSAGE);
  });

  it('waits for Retry-After on 429, then delivers once', async () => {
    const { log } = recordingLog();
    slack.script(
      { status: 429, body: 'rate_limited', headers: { 'retry-after': '1' } },
      { status: 200, body: 'ok' },
    );

    const result = await deliver(slack.webhookUrl, MESSAGE, {
      deadline: Date.now() + 10000,
      target: 'releases',
      log,
    });

    expect(result).toEqual({ attempts: 2 });
    expect(slack.requests).toHaveLength(2);
    const [first, second] = slack.requests;
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it('retries server errors with backoff until Slack accepts', async () => {
    const { log, lines } = recordingLog();
    slack.script({ status: 500 }, { status: 503, body: 'service_unavailable' }, { status: 200, body: 'ok' });

    const result = await deliver(slack.webhookUrl, MESSAGE, {
      deadline: Date.now() + 10000,
      target: 'releases',
      log,
    });

    expect(result).toEqual({ attempts: 3 });
    expect(slack.requests).toHaveLength(3);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
  });

  it('does not retry a 400 and keeps Slack error code', async () => {
    const { log } = recordingLog();
    slack.script({ status: 400, body: 'invalid_blocks' });

    const attempt = deliver(slack.webhookUrl, MESSAGE, {
      deadline: Date.now() + 10000,
      target: 'releases',
      log,
    });

    await expect(attempt).rejects.toBeInstanceOf(SlackPermanentError);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: 'invalid_blocks' });
    expect(slack.requests).toHaveLength(1);
  });

  it('gives up within the deadline when Slack never answers', async () => {
    const { log } = recordingLog();
    slack.script('hang', 'hang', 'hang', 'hang');
    const started = Date.now();

    const attempt = deliver(slack.webhookUrl, MESSAGE, {
      deadline: started + 2500,
      target: 'releases',
      log,
      requestTimeoutMs: 1000,
    });

    await expect(attempt).rejects.toBeInstanceOf(SlackUnavailableError);
    expect(Date.now() - started).toBeLessThan(2600);
    expect(slack.requests.length).toBeGreaterThanOrEqual(2);
  });

  it('does not wait for a Retry-After that would outlast the deadline', async () => {
    const { log } = recordingLog();
    slack.script({ status: 429, headers: { 'retry-after': '30' } });
    const started = Date.now();

    const attempt = deliver(slack.webhookUrl, MESSAGE, { deadline: started + 3000, target: 'releases', log });

    await expect(attempt).rejects.toThrow('not delivered before the deadline: HTTP 429');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(slack.requests).toHaveLength(1);
  });

  it('never writes the webhook URL into its log lines or errors', async () => {
    const { log, lines } = recordingLog();
    slack.script({ status: 500 }, { status: 404, body: 'no_service' });

    const attempt = deliver(slack.webhookUrl, MESSAGE, {
      deadline: Date.now() + 10000,
      target: 'releases',
      log,
    });

    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackPermanentError);
    const everything = JSON.stringify(lines) + String((error as Error).message);
    expect(everything).toContain('releases');
    expect(everything).not.toContain('localtestwebhooktoken');
    expect(everything).not.toContain(slack.url);
  });

  it('fails on a refused connection, within the deadline, as unavailable', async () => {
    const { log } = recordingLog();
    const started = Date.now();

    const attempt = deliver('http://127.0.0.1:1/services/T0/B0/x', MESSAGE, {
      deadline: started + 1500,
      target: 'releases',
      log,
    });

    await expect(attempt).rejects.toThrow(/not delivered before the deadline: .*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(1600);
  });
});

describe('postToWebhook against a slow drip', () => {
  let drip: Server;
  let url: string;

  beforeAll(async () => {
    // Headers at once, then a byte now and then: an idle timeout would never fire.
    drip = createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain' });
      const timer = setInterval(() => res.write('.'), 100);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => drip.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(drip.address() as AddressInfo).port}/services/T0/B0/x`;
  });

  afterAll(async () => {
    drip.closeAllConnections();
    await new Promise<void>((resolve) => drip.close(() => resolve()));
  });

  it('gives each attempt its own deadline, not just an idle timeout', async () => {
    const { log, lines } = recordingLog();
    const started = Date.now();

    const attempt = deliver(url, MESSAGE, {
      deadline: started + 2000,
      target: 'releases',
      log,
      requestTimeoutMs: 600,
    });

    await expect(attempt).rejects.toBeInstanceOf(SlackUnavailableError);
    expect(Date.now() - started).toBeLessThan(2100);
    expect(lines.filter((line) => line.message === 'Slack request failed').length).toBeGreaterThanOrEqual(2);
  });
});
