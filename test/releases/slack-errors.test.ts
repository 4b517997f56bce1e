/**
 * App mode against a Slack that says no: each Web API error has a defined outcome and a log line
 * with Slack's error code, and none loses the alert (it is posted after a wait or a retry, or the
 * invocation fails so that Lambda retries it and then keeps the event in the failed-events queue).
 */
import { happyRelease } from '../../testkit/releases';
import { useReleaseRig } from '../helpers/release-rig';

const { play, rig } = useReleaseRig();
const release = happyRelease();
const first = release.events.filter((event) => event.name === 'pipeline started');

const refusal = (error: string) => ({
  status: 200,
  body: JSON.stringify({ ok: false, error }),
  headers: { 'content-type': 'application/json' },
});

describe('app mode when Slack refuses', () => {
  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth'])(
    '%s: fails the invocation (Lambda retries, then keeps the event), logging the code',
    async (code) => {
      rig().slack.script(refusal(code), refusal(code), refusal(code));

      const { failures, logs, slack } = await play(release, first);

      expect(failures).toEqual([expect.stringContaining(`HTTP 200 ${code}`)]);
      expect(logs).toContainEqual(
        expect.objectContaining({
          message: 'Release card unavailable: posting the notice on its own',
          slackError: code,
        }),
      );
      expect(logs).toContainEqual(
        expect.objectContaining({ message: 'Notice not delivered', slackError: code }),
      );
      // Each refusal was final: the card once, the notice on its own once, no retry storm.
      expect(rig().slack.requests).toHaveLength(2);
      expect(slack.calls).toEqual([]);
    },
  );

  it('ratelimited: waits out Retry-After, then posts the card once', async () => {
    rig().slack.script({ status: 429, headers: { 'retry-after': '1' } });

    const { failures, logs, slack } = await play(release, first);

    expect(failures).toEqual([]);
    expect(slack.channelMessages).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Slack rate limited the message', retryAfterMs: 1000 }),
    );
  });

  it('a 5xx: retried, then the card is posted once', async () => {
    rig().slack.script({ status: 503, body: 'service unavailable' });

    const { failures, logs, slack } = await play(release, first);

    expect(failures).toEqual([]);
    expect(slack.channelMessages).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Slack request failed', slackError: 'http_503' }),
    );
  });

  it('a timeout: retried within the invocation, then the card is posted once', async () => {
    rig().slack.script('hang');

    const { failures, logs, slack } = await play(release, first);

    expect(failures).toEqual([]);
    expect(slack.channelMessages).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Slack request failed', problem: expect.stringMatching(/Timeout/) }),
    );
  }, 30000);

  it("a push's message Slack would not turn into the card is given back: the retry makes it the card, its details in the thread", async () => {
    const push = release.events.filter((event) => event.name === 'push');
    await play(release, push);
    const seed = rig().slack.requests.find((r) => r.path === '/api/chat.postMessage');
    const seedTs = (JSON.parse(seed?.answer ?? '{}') as { ts?: string }).ts;
    const pushText = String((seed?.json as { text?: string } | undefined)?.text);
    // The update that makes it the card, then the notice on its own: both refused (the bot was
    // out of the channel a moment).
    rig().slack.script(refusal('not_in_channel'), refusal('not_in_channel'));

    const refused = await play(release, first);
    // Lambda's retry of the event, Slack answering again.
    const retried = await play(release, first);

    expect(refused.failures).toEqual([expect.stringContaining('not_in_channel')]);
    expect(retried.failures).toEqual([]);
    // Still one message in the channel, the push's, now the card (no second card was posted).
    expect(retried.slack.channelMessages.map((m) => m.ts)).toEqual([seedTs]);
    expect(retried.slack.cardUpdates.length).toBeGreaterThan(0);
    expect(retried.slack.cardText).toMatch(/Releas/);
    // The push's details went into the card's thread, as when nothing was refused.
    expect(retried.slack.replies.map((r) => r.fields.text)).toContain(pushText);
  });

  it('never writes the bot token into a log line or a message', async () => {
    const { raw } = await play(release, release.events);

    expect(raw).not.toContain('xoxb-local-release-test-0000');
    for (const request of rig().slack.requests) expect(request.body).not.toContain('xoxb-');
  });
});
