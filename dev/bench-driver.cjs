// One cold start, in a fresh Node process: load a bundle, handle one event, report the times.
// Run by dev/bench.ts; argv: bundle path, event path.
// The local stand-ins speak plain HTTP, so the SDK and Slack's clients load `node:http`, which
// Lambda (HTTPS only) never does: it is loaded here first, and its cost is taken off the boot time.
const httpStart = performance.now();
require('node:http');
const httpMs = performance.now() - httpStart;
const { readFileSync } = require('node:fs');

const [bundle, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const start = Date.now();
const context = {
  functionName: 'herald-bench',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:herald-bench',
  memoryLimitInMB: '256',
  awsRequestId: 'bench',
  logGroupName: '/aws/lambda/herald-bench',
  logStreamName: 'bench',
  callbackWaitsForEmptyEventLoop: false,
  getRemainingTimeInMillis: () => 30000 - (Date.now() - start),
};

const loadStart = performance.now();
const { handler } = require(bundle);
const loaded = performance.now();
Promise.resolve(handler(event, context)).then(
  () => {
    const done = performance.now();
    process.stderr.write(
      `BENCH ${JSON.stringify({ boot: loadStart - httpMs, load: loaded - loadStart, handle: done - loaded, total: done - httpMs, httpMs })}\n`,
    );
    // Keep-alive sockets would hold the process open; the measurement is over.
    process.exit(0);
  },
  (error) => {
    process.stderr.write(`BENCH-ERROR ${error?.message}\n`);
    process.exit(1);
  },
);
