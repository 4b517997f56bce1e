/**
 * The DynamoDB round trips a release's event waits for before its first Slack call, in app mode:
 * the release is read beside the delivery claim (its key is in the event), its first write takes
 * the card's post lease and goes beside the claim of its commit, a later write takes the push
 * lease. Counted from the order of the requests the local table served (requests in flight
 * together are one round trip), not from their durations: what is asserted is how many had to
 * wait for each other.
 */
import { happyRelease, type ReleaseEvent } from '../../testkit/releases';
import { useReleaseRig } from '../helpers/release-rig';

const { roundTrips } = require('../../dev/bench/round-trips.cjs') as {
  roundTrips(requests: Array<{ start: number; end?: number }>): number;
};

const { play, rig } = useReleaseRig();

/** Plays one event; the round trips before its first Slack call, and the DynamoDB calls it made in all. */
async function tripsOf(event: ReleaseEvent): Promise<{ trips: number; calls: string[] }> {
  const since = performance.timeOrigin + performance.now();
  const slackBefore = rig().slack.requests.length;
  const { failures } = await play(happyRelease(), [event]);
  expect(failures).toEqual([]);
  const firstSlack = rig().slack.requests[slackBefore];
  if (!firstSlack) throw new Error(`${event.name} called no Slack`);
  const mine = rig().state.timeline.filter((r) => r.start >= since);
  return {
    trips: roundTrips(mine.filter((r) => r.start < firstSlack.at)),
    calls: mine.map((r) => r.operation),
  };
}

const named = (name: string): ReleaseEvent => {
  const event = happyRelease().events.find((e) => e.name === name);
  if (!event) throw new Error(`no event ${name}`);
  return event;
};

describe('round trips to the state table before Slack, in app mode', () => {
  it('posts a release card after two: the release read beside the claim, its first write beside the commit claim', async () => {
    const first = await tripsOf(named('pipeline started'));

    expect(first.trips).toBeLessThanOrEqual(2);
    // One read of the release, and no separate claim of the post: the first write holds its lease.
    expect(first.calls.filter((operation) => operation === 'GetItem').length).toBeLessThanOrEqual(2);
    expect(rig().slack.requests[0]?.path).toBe('/api/chat.postMessage');
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
});
