// One Lambda container's life, in a fresh Node process (run by dev/bench.ts): load a bundle
// (init), handle one event (cold), wait for the bench to clear the state table, handle the next
// (warm: the same event of another run, when a second event path is given). argv: bundle path,
// event path, next event path (optional). BENCH_PORTS ("aws=<port>,dynamodb=<port>,slack=<port>")
// names the stand-ins' HTTPS ports: every request the process starts is timed (node's
// diagnostics channels, before any byte is sent) and counted by service, so the bench gets the
// moment of the first Slack call and the sequential round trips before it.
const diagnostics = require('node:diagnostics_channel');
const { readFileSync } = require('node:fs');
const { roundTrips } = require('./bench/round-trips.cjs');

const ports = new Map(
  (process.env.BENCH_PORTS ?? '')
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const [service, port] = pair.split('=');
      return [Number(port), service];
    }),
);
let requests = [];
const open = new Map();
diagnostics.subscribe('http.client.request.start', ({ request }) => {
  const port = Number(String(request.getHeader('host') ?? '').split(':')[1]);
  const entry = {
    service: ports.get(port) ?? 'other',
    start: performance.now(),
    end: undefined,
    path: `${request.getHeader('x-amz-target') ?? ''} ${request.path}`,
  };
  open.set(request, entry);
  requests.push(entry);
});
diagnostics.subscribe('http.client.response.finish', ({ request }) => {
  const entry = open.get(request);
  if (entry) entry.end = performance.now();
});

const [bundle, eventFile, nextFile = eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const next = JSON.parse(readFileSync(nextFile, 'utf8'));

function context(start) {
  return {
    functionName: 'herald-bench',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:herald-bench',
    memoryLimitInMB: process.env.BENCH_MEMORY ?? '256',
    awsRequestId: `bench-${start}`,
    logGroupName: '/aws/lambda/herald-bench',
    logStreamName: 'bench',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 30000 - (performance.now() - start),
  };
}

/**
 * The requests of one invocation: how many per service, when the first Slack call started, and
 * the round trips before it that had to wait for each other (a request that starts after every
 * earlier one has ended starts a new round trip; requests in flight together are one).
 */
function network(since) {
  const mine = requests.filter((r) => r.start >= since);
  const count = { aws: 0, dynamodb: 0, slack: 0 };
  for (const r of mine) if (r.service in count) count[r.service]++;
  const firstSlack = mine.find((r) => r.service === 'slack');
  const before = mine.filter((r) => r.service !== 'slack' && (!firstSlack || r.start < firstSlack.start));
  const waves = {
    all: roundTrips(before),
    aws: roundTrips(before.filter((r) => r.service === 'aws')),
    dynamodb: roundTrips(before.filter((r) => r.service === 'dynamodb')),
  };
  // How many DynamoDB requests went before the first Slack call: the floor sends the rest after it.
  const dynamoBeforeSlack = before.filter((r) => r.service === 'dynamodb').length;
  return { count, toSlack: firstSlack ? firstSlack.start - since : undefined, waves, dynamoBeforeSlack };
}

/** BENCH_TRACE=1: every request of the invocation on stderr, in start order (service, start, end). */
function trace(since) {
  if (!process.env.BENCH_TRACE) return;
  for (const r of requests.filter((x) => x.start >= since))
    process.stderr.write(
      `TRACE ${r.service.padEnd(8)} ${(r.start - since).toFixed(1).padStart(7)} → ${r.end === undefined ? '?' : (r.end - since).toFixed(1).padStart(7)} ${r.path ?? ''}\n`,
    );
}

async function invoke(event) {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await handler(event, context(start));
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  trace(start);
  return { handle: done - start, cpu: (used.user + used.system) / 1000, ...network(start) };
}

const loadStart = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
const initCpu = process.cpuUsage();

function report(tag, value) {
  process.stderr.write(`BENCH-${tag} ${JSON.stringify(value)}\n`);
}

invoke(event)
  .then((cold) => {
    report('COLD', {
      boot: loadStart,
      load: loaded - loadStart,
      initCpu: (initCpu.user + initCpu.system) / 1000,
      ...cold,
    });
    // The bench clears the state table (a new event, not a duplicate), then says "warm".
    return new Promise((resolve) => {
      process.stdin.once('data', () => resolve());
    });
  })
  .then(() => {
    requests = [];
    return invoke(next);
  })
  .then(
    (warm) => {
      report('WARM', warm);
      // Keep-alive sockets would hold the process open; the measurement is over.
      process.exit(0);
    },
    (error) => {
      process.stderr.write(`BENCH-ERROR ${error?.stack ?? error?.message}\n`);
      process.exit(1);
    },
  );
