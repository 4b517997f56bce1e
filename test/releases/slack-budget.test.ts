/**
 * Slack's budget: all cards of a workspace share chat.update's allowance (Tier 3, about 50 a
 * minute). A burst of events of one release costs one update per card every few seconds; under a
 * 429 the intermediate versions are skipped and the final one lands (now, or on Lambda's retry).
 */
import { resetForTests } from '../../shared/lambda/container';
import { happyRelease } from '../../testkit/releases';
import { useReleaseRig } from '../helpers/release-rig';

const { play, rig } = useReleaseRig();

afterEach(() => {
  process.env.HERALD_CARD_SPACING_MS = '0';
  rig().slack.limit('chat.update', undefined);
});

describe('the release card and Slack budget', () => {
  it('coalesces a burst: every event of a release at once costs a few card updates, and ends on the final card', async () => {
    const release = happyRelease();
    const inOrder = (await play(release, release.events)).slack.cardText;
    rig().slack.reset();
    process.env.HERALD_STATE_TABLE = await rig().state.createTable();
    process.env.HERALD_CARD_SPACING_MS = '400';
    resetForTests();

    const started = Date.now();
    const { slack, failures } = await play(release, release.events, true);
    const elapsed = Date.now() - started;

    expect(failures).toEqual([]);
    expect(slack.cardText).toBe(inOrder);
    // One update per 400 ms at most (and the first post), however many events there were.
    expect(slack.cardUpdates.length).toBeLessThanOrEqual(Math.ceil(elapsed / 400) + 1);
    expect(slack.cardUpdates.length).toBeLessThan(release.events.length / 2);
    const times = rig()
      .slack.requests.filter((r) => r.path === '/api/chat.update' && r.accepted)
      .filter((r) => (r.json as { ts?: string }).ts === slack.channelMessages[0]?.ts)
      .map((r) => r.at);
    for (let i = 1; i < times.length; i++)
      expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThanOrEqual(350);
  });

  it('skips intermediate versions under a 429, and lands the final one on the retry', async () => {
    const release = happyRelease();
    const inOrder = (await play(release, release.events)).slack.cardText;
    rig().slack.reset();
    process.env.HERALD_STATE_TABLE = await rig().state.createTable();
    resetForTests();
    // The workspace's chat.update allowance is spent after three updates.
    rig().slack.limit('chat.update', 3);

    const first = await play(release, release.events);

    // Intermediate versions were skipped, not failed: only the final state's invocation failed.
    const limited = first.logs.filter(
      (l) => l.message === 'Card update skipped under the rate limit; a later one shows the newest',
    );
    expect(limited.length).toBeGreaterThan(0);
    expect(first.failures.length).toBeGreaterThan(0);
    expect(first.slack.cardText).not.toBe(inOrder);
    const replies = first.slack.replies.length;

    // Lambda retries what failed once the limit has passed; the delivery log keeps replies single.
    rig().slack.limit('chat.update', undefined);
    const failed = release.events.filter((e) => first.failures.some((f) => f.startsWith(`${e.name}:`)));
    const retry = await play(release, failed);

    expect(retry.failures).toEqual([]);
    expect(
      rig().slack.requests.filter(
        (r) => r.path === '/api/chat.postMessage' && (r.json as { thread_ts?: string }).thread_ts,
      ).length,
    ).toBe(replies);
    const cardTs = first.slack.channelMessages[0]?.ts;
    const last = rig()
      .slack.requests.filter(
        (r) => r.path === '/api/chat.update' && r.accepted && (r.json as { ts?: string }).ts === cardTs,
      )
      .at(-1);
    expect(JSON.stringify(last?.json)).toContain('Released: herald-stage-pipeline');
  });
});
