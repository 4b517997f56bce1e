/**
 * The DynamoDB round trips a release's event waits for before its first Slack call, in app mode:
 * a step is appended to its release in one write (no read first), which takes the card's post
 * lease when it creates the release and the push lease when the card may be pushed; the run's
 * start claims its commit beside it; a build or deployment reads its link first (and which
 * pipelines run it, beside), its link is written beside the append. Counted from the order of the requests the local table served (requests in flight
 * together are one round trip), not from their durations: what is asserted is how many had to
 * wait for each other.
 */
import { DEFAULT_LATENCY } from '../../dev/bench/network';
import { resetForTests } from '../../shared/lambda/container';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  type Release,
  type ReleaseEvent,
} from '../../testkit/releases';
import { useReleaseRig } from '../helpers/release-rig';

type Span = { start: number; end?: number };
const { beforeSlack, roundTrips, waitedTrips } = require('../../dev/bench/round-trips.cjs') as {
  beforeSlack(
    dynamo: Span[],
    aws: Span[],
    since: number,
    slackAt: number,
  ): { trips: Span[][]; waited: Span[][] };
  roundTrips(requests: Span[]): number;
  waitedTrips<T extends Span>(requests: T[], alongside: Span[]): T[][];
};

const { play, rig } = useReleaseRig();

/** Plays one event; the round trips before its first Slack call, and the DynamoDB calls it made in all. */
async function tripsOf(
  event: ReleaseEvent,
  release: Release = happyRelease(),
): Promise<{ trips: number; calls: string[] }> {
  const since = performance.timeOrigin + performance.now();
  const slackBefore = rig().slack.requests.length;
  const { failures } = await play(release, [event]);
  expect(failures).toEqual([]);
  const firstSlack = rig().slack.requests[slackBefore];
  if (!firstSlack) throw new Error(`${event.name} called no Slack`);
  const mine = rig().state.timeline.filter((r) => r.start >= since);
  return {
    trips: roundTrips(mine.filter((r) => r.start < firstSlack.at)),
    calls: mine.map((r) => r.operation),
  };
}

const named = (name: string, release: Release = happyRelease()): ReleaseEvent => {
  const event = release.events.find((e) => e.name === name);
  if (!event) throw new Error(`no event ${name}`);
  return event;
};

/** The events of `release` before `name`, played in order. */
async function playUntil(name: string, release: Release = happyRelease()): Promise<void> {
  const at = release.events.findIndex((e) => e.name === name);
  const { failures } = await play(release, release.events.slice(0, at));
  expect(failures).toEqual([]);
}

describe('round trips to the state table before Slack, in app mode', () => {
  it('posts a release card after two: the write that creates the release beside the claim of its commit', async () => {
    const first = await tripsOf(named('pipeline started'));

    expect(first.trips).toBeLessThanOrEqual(2);
    // The release is never read: the write answers with it, and holds the post lease.
    expect(first.calls.filter((operation) => operation === 'GetItem')).toEqual(['GetItem']);
    expect(rig().slack.requests[0]?.path).toBe('/api/chat.postMessage');
  });

  it("turns a push's message into the card after two: the card is recorded once Slack has it", async () => {
    await playUntil('pipeline started');
    const slackBefore = rig().slack.requests.length;

    const seeded = await tripsOf(named('pipeline started'));

    expect(seeded.trips).toBeLessThanOrEqual(2);
    expect(rig().slack.requests[slackBefore]?.path).toBe('/api/chat.update');
  });

  it('updates the card after two: the write of a later event takes the push lease itself', async () => {
    await tripsOf(named('pipeline started'));
    const slackBefore = rig().slack.requests.length;

    const later = await tripsOf(named('Source started'));

    expect(later.trips).toBeLessThanOrEqual(2);
    expect(
      rig()
        .slack.requests.slice(slackBefore)
        .map((r) => r.path),
    ).toEqual(['/api/chat.update']);
  });

  it("updates the card after two for a build's events: its link, then the append (beside the link's write when it was found now)", async () => {
    await playUntil('build started');

    const unlinked = await tripsOf(named('build started'));
    const linked = await tripsOf(named('build succeeded'));

    expect(unlinked.trips).toBeLessThanOrEqual(2);
    expect(linked.trips).toBeLessThanOrEqual(2);
    expect(linked.calls).not.toContain('Query');
  });

  it('updates the card after two for a deployment met first: which pipelines run its group is read beside its link', async () => {
    await playUntil('stage deployment started');

    const first = await tripsOf(named('stage deployment started'));

    expect(first.trips).toBeLessThanOrEqual(2);
    expect(first.calls).toContain('Query');
  });

  it("puts a crash under its card after two: the card's read beside the claim of the failure's broadcast", async () => {
    const release = failedProdRelease();
    await playUntil('new revision crashed', release);
    const slackBefore = rig().slack.requests.length;

    const crash = await tripsOf(named('new revision crashed', release), release);

    expect(crash.trips).toBeLessThanOrEqual(2);
    const reply = rig().slack.requests[slackBefore]?.json as { thread_ts?: string; reply_broadcast?: string };
    expect(reply.thread_ts).toBeDefined();
  });
});

describe('what a container has met, it does not ask again; what it has not, it asks everywhere at once', () => {
  const LIST_RUNS = 'CodePipeline_20150709.ListActionExecutions';
  const GET_PIPELINE = 'CodePipeline_20150709.GetPipeline';

  it("asks CodePipeline beside a build's link when it has not met the build (another container linked it)", async () => {
    await playUntil('build succeeded');
    resetForTests();

    const met = await tripsOf(named('build succeeded'));

    expect(rig().aws.calls).toContain(LIST_RUNS);
    expect(met.trips).toBeLessThanOrEqual(2);
  });

  it('reads neither the link nor CodePipeline for a deployment it has met: its next event goes straight to the append', async () => {
    await playUntil('stage deployment started');
    await tripsOf(named('stage deployment started'));

    const next = await tripsOf(named('stage deployment succeeded'));

    expect(rig().aws.calls).not.toContain(LIST_RUNS);
    expect(next.calls).not.toContain('Query');
    expect(next.trips).toBeLessThanOrEqual(2);
  });

  it("asks CodePipeline for a pipeline's structure beside the table's copy when it knows nothing of the pipeline, and then neither", async () => {
    await playUntil('Source started');
    resetForTests();

    await tripsOf(named('Source started'));
    expect(rig().aws.calls).toContain(GET_PIPELINE);

    await tripsOf(named('Source succeeded'));
    expect(rig().aws.calls).not.toContain(GET_PIPELINE);
  });
});

describe('the round trips each event waits for, with round trips as on Lambda', () => {
  // The bench's round trips (AWS 20 ms, DynamoDB 8 ms), as release:figures plays them.
  beforeEach(() => {
    rig().aws.setLatency(DEFAULT_LATENCY.aws);
    rig().state.setLatency(DEFAULT_LATENCY.dynamodb);
  });
  afterEach(() => {
    rig().aws.setLatency(0);
    rig().state.setLatency(0);
  });

  /** Each event of the release played in order: the DynamoDB round trips it waited for before its first Slack call. */
  async function waitedPerEvent(release: Release): Promise<Record<string, number>> {
    const waited: Record<string, number> = {};
    for (const event of release.events) {
      const since = performance.timeOrigin + performance.now();
      const slackBefore = rig().slack.requests.length;
      const { failures } = await play(release, [event]);
      expect(failures).toEqual([]);
      const firstSlack = rig().slack.requests[slackBefore];
      if (!firstSlack) continue;
      const trips = beforeSlack(rig().state.timeline, rig().aws.exchanges, since, firstSlack.at).waited;
      waited[event.name] = Math.max(waited[event.name] ?? 0, trips.length);
    }
    return waited;
  }

  it.each([
    ['happy path', happyRelease],
    ['failed build', failedBuildRelease],
    ['failed prod deployment', failedProdRelease],
  ])('app mode, %s: at most two for every event', async (_, release) => {
    const waited = await waitedPerEvent(release());

    expect(Object.keys(waited).length).toBeGreaterThan(3);
    expect(Object.entries(waited).filter(([, trips]) => trips > 2)).toEqual([]);
  });

  it.each([
    ['happy path', happyRelease],
    ['failed prod deployment', failedProdRelease],
  ])('webhook mode, %s: at most one for every event', async (_, release) => {
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL']) delete process.env[name];
    process.env.SLACK_WEBHOOK_URL = rig().slack.webhookUrl;
    resetForTests();

    const waited = await waitedPerEvent(release());

    expect(Object.keys(waited).length).toBeGreaterThan(3);
    expect(Object.entries(waited).filter(([, trips]) => trips > 1)).toEqual([]);
  });
});

describe('which round trips an event waited for', () => {
  const at = (start: number, end: number) => ({ start, end });

  it('counts a trip that ends while an AWS read is out as not waited for, and one that outlasts it as waited for', () => {
    // A claim beside an AWS read, then a read that needed the AWS answer, then a write.
    const dynamo = [at(0, 8), at(21, 29), at(30, 38)];

    expect(waitedTrips(dynamo, [at(1, 20)])).toEqual([[at(21, 29)], [at(30, 38)]]);
    // The AWS read answered first: the claim held the event up.
    expect(waitedTrips(dynamo, [at(1, 5)])).toHaveLength(3);
    // No AWS read: every trip.
    expect(waitedTrips(dynamo, [])).toHaveLength(3);
  });

  it('counts, before a Slack call, only the trips answered before it, and covers them only with AWS reads answered before it', () => {
    // A claim under an AWS read, a read after it, and a write still out when Slack is called.
    const dynamo = [at(0, 8), at(21, 29), at(30, 60)];
    const aws = [at(1, 20), at(31, 80)];

    const { trips, waited } = beforeSlack(dynamo, aws, 0, 40);

    expect(trips).toHaveLength(3);
    expect(waited).toEqual([[at(21, 29)]]);
    // A read answered after the Slack call covers nothing: the claim counts once it is gone.
    expect(beforeSlack(dynamo, [at(1, 50)], 0, 40).waited).toEqual([[at(0, 8)], [at(21, 29)]]);
  });
});
