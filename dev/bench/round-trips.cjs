// Round trips that had to wait for each other, from requests' start and end times (any clock, one
// for all): sorted by start, a request that starts after every earlier one has ended starts a new
// round trip; requests in flight together are one. Plain CommonJS: the bench driver runs it under
// Node 22 without a TypeScript loader, and `npm run release:figures` uses it too.

/** The requests grouped into their round trips, in order. */
function tripsOf(requests) {
  const trips = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const r of [...requests].sort((a, b) => a.start - b.start)) {
    if (r.start >= end) {
      trips.push([]);
      end = r.end ?? r.start;
    } else end = Math.max(end, r.end ?? r.start);
    trips[trips.length - 1].push(r);
  }
  return trips;
}

function roundTrips(requests) {
  return tripsOf(requests).length;
}

/**
 * The round trips an event waited for: those that ended while none of `alongside` (the AWS reads
 * it made before the same Slack call) was in flight. A trip that ends while such a read is still
 * out held nothing up: the event waits for that read anyway, and the read cannot have needed the
 * trip's answer (it was asked before the answer came). Pass only the reads the event waited for
 * (those answered before its first Slack call): a read left running would hide trips it did not.
 */
function waitedTrips(requests, alongside) {
  return tripsOf(requests).filter((trip) => heldUp(trip, alongside));
}

/** Did the event wait for this trip (it ended while none of `alongside` was out)? */
function heldUp(trip, alongside) {
  const end = Math.max(...trip.map((r) => r.end ?? r.start));
  return !alongside.some((a) => a.start < end && end < (a.end ?? a.start));
}

/**
 * What an event did from `since` to its first Slack call (at `slackAt`): its DynamoDB requests in
 * round trips (`trips`), and of those the ones that call waited for (`waited`): answered before it,
 * and not while one of the event's AWS reads answered before it was still out. The measure trusts
 * that such a read was on the event's way: one started beside it for later (the release history's
 * pipeline read, in webhook mode) could hide a trip it did not (`--trace` shows each trip).
 */
function beforeSlack(dynamo, aws, since, slackAt) {
  const before = (r) => r.start >= since && r.start < slackAt;
  const answered = (r) => before(r) && (r.end ?? r.start) < slackAt;
  const trips = tripsOf(dynamo.filter(before));
  const reads = aws.filter(answered);
  return { trips, waited: trips.filter((trip) => trip.every(answered) && heldUp(trip, reads)) };
}

module.exports = { beforeSlack, roundTrips, tripsOf, waitedTrips };
