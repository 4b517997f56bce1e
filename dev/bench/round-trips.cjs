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

module.exports = { roundTrips, tripsOf };
