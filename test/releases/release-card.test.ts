/**
 * App mode, end to end: every event of a whole release through its real handler (Slack's Web API
 * and AWS on local stand-ins, the state table on dynalite, the delivery log on), in order, in
 * random orders, and all at once. A release must be one channel message (its card), updated in
 * place, with its details in the card's thread.
 */

import { resetForTests } from '../../shared/lambda/container';
import { failedBuildRelease, failedProdRelease, happyRelease } from '../../testkit/releases';
import { CHANNEL, TOKEN, useReleaseRig } from '../helpers/release-rig';

const { play, rig } = useReleaseRig();

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

describe('a successful release in app mode', () => {
  it('is one channel message, updated in place, with its details in the thread', async () => {
    const release = happyRelease();

    const { slack, raw, failures } = await play(release, release.events);

    expect(failures).toEqual([]);

    expect(slack.channelMessages).toHaveLength(1);
    expect(slack.channelMessages[0]?.fields.channel).toBe(CHANNEL);
    const cardTs = rig().slack.requests.find((r) => r.path === '/api/chat.postMessage')?.json;
    expect(slack.replies.length).toBeGreaterThan(0);
    for (const reply of slack.replies) expect(reply.fields.channel).toBe(CHANNEL);
    expect(new Set(slack.replies.map((r) => r.fields.thread_ts)).size).toBe(1);
    // Every update is of the card, or settles a reply of its thread (the approval request, the traffic shift).
    const inThread = new Set([slack.replies[0]?.fields.thread_ts, ...slack.replies.map((r) => r.ts)]);
    expect(slack.updates.every((u) => inThread.has(String(u.fields.ts)))).toBe(true);
    expect(slack.cardUpdates.length).toBeGreaterThan(0);
    // Only the approval request is shown in the channel.
    expect(slack.broadcasts.map((b) => String(b.fields.text))).toEqual([
      expect.stringContaining('Approval needed'),
    ]);
    expect(slack.cardText).toContain('Released: herald-stage-pipeline');
    for (const stage of ['Source', 'Build', 'Deploy-stage', 'Approval', 'Deploy-prod']) {
      expect(slack.cardText).toMatch(new RegExp(`:white_check_mark: ${stage}`));
    }
    expect(slack.cardText).toContain('Build #43');
    // The push came first: its message became the card, its details the first reply.
    expect(String(slack.replies[0]?.fields.text)).toContain('1 commit pushed to main');
    expect(slack.cardText).toContain('done in 2 h 18 min');
    expect(raw).not.toContain(TOKEN);
    expect(cardTs).toBeDefined();
  });

  it('gives the same card in 20 random orders, always one channel message', async () => {
    const release = happyRelease();
    const inOrder = (await play(release, release.events)).slack.cardText;
    const cards = new Set<string>();

    for (let seed = 1; seed <= 20; seed++) {
      rig().slack.reset();
      process.env.HERALD_STATE_TABLE = await rig().state.createTable();
      resetForTests();
      const { slack } = await play(release, shuffled(release.events, seed));
      expect(slack.channelMessages).toHaveLength(1);
      cards.add(slack.cardText);
    }

    expect([...cards]).toEqual([inOrder]);
  });

  it('gives one card, the same, when every event is handled at once', async () => {
    const release = happyRelease();
    const inOrder = (await play(release, release.events)).slack.cardText;
    rig().slack.reset();
    process.env.HERALD_STATE_TABLE = await rig().state.createTable();
    resetForTests();

    const { slack, logs } = await play(release, release.events, true);

    expect(logs.filter((l) => String(l.message).startsWith('Release'))).toEqual([]);
    expect(slack.channelMessages).toHaveLength(1);
    expect(slack.cardText).toBe(inOrder);
  });
});

describe('a failed release in app mode', () => {
  it('a failed build: one card saying where it failed, the failure broadcast from the thread', async () => {
    const release = failedBuildRelease();

    const { slack } = await play(release, release.events);

    expect(slack.channelMessages).toHaveLength(1);
    expect(slack.cardText).toContain('Release failed at Build: herald-stage-pipeline');
    expect(slack.cardText).toMatch(/:x: Build — Build #42/);
    expect(slack.broadcasts.length).toBeGreaterThan(0);
    for (const broadcast of slack.broadcasts) expect(String(broadcast.fields.text)).toMatch(/fail/i);
  });

  it('a failed prod deployment: one card, prod marked failed, the stages before it succeeded', async () => {
    const release = failedProdRelease();

    const { slack } = await play(release, release.events);

    expect(slack.channelMessages).toHaveLength(1);
    expect(slack.cardText).toContain('Release failed at Deploy-prod');
    expect(slack.cardText).toMatch(/:x: Deploy-prod/);
    expect(slack.cardText).toMatch(/:white_check_mark: Deploy-stage/);
    // The crash of the new revision and CodeDeploy's rollback are told in the release's thread.
    const thread = slack.replies.map((reply) => String(reply.fields.text));
    expect(thread).toContainEqual(expect.stringContaining('Task crashed: shop-api-prod'));
    expect(thread).toContainEqual(expect.stringMatching(/^Rollback succeeded/));
  });
});

describe('the release scenarios of npm start and these tests', () => {
  it.each([
    ['happy path', happyRelease],
    ['failed build', failedBuildRelease],
    ['failed prod deployment', failedProdRelease],
  ])('%s: every AWS read has its recorded answer (nothing says "Not available")', async (_name, scenario) => {
    const release = scenario();

    const { slack } = await play(release, release.events);

    const said = [...slack.replies, ...slack.updates, ...slack.channelMessages].map((r) =>
      JSON.stringify(r.fields),
    );
    expect(said.filter((text) => text.includes('Not available'))).toEqual([]);
  });
});
