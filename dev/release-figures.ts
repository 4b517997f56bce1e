/**
 * `npm run release:figures`: the three releases of testkit/releases.ts played through the real
 * handlers, once in webhook mode (today's one message per event) and once in app mode (one card
 * per release), printing what reached Slack and what it cost: channel messages, thread replies,
 * card updates, Slack API calls, DynamoDB calls. Prints figures; asserts nothing.
 */
import type { Context } from 'aws-lambda';
import { resetForTests } from '../shared/lambda/container';
import { captureLogs } from '../testkit/capture-logs';
import { lambdaContext } from '../testkit/lambda-context';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  type Release,
  type Target,
} from '../testkit/releases';
import { type LocalRig, startLocalRig } from '../testkit/samples';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

async function handlerOf(target: Target): Promise<Handler> {
  return ((await import(`../functions/${target}/handler`)) as { handler: Handler }).handler;
}

async function play(rig: LocalRig, release: Release, mode: 'webhook' | 'app') {
  rig.slack.reset();
  rig.state.calls.clear();
  rig.aws.use(release.responses);
  process.env.HERALD_STATE_TABLE = await rig.state.createTable();
  process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'false';
  if (mode === 'app') {
    Object.assign(process.env, {
      SLACK_BOT_TOKEN: 'xoxb-local-figures-0000',
      SLACK_CHANNEL: 'C0RELEASES',
      SLACK_API_URL: rig.slack.apiUrl,
    });
    delete process.env.SLACK_WEBHOOK_URL;
  } else {
    for (const name of ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL', 'SLACK_API_URL']) delete process.env[name];
    process.env.SLACK_WEBHOOK_URL = rig.slack.webhookUrl;
  }
  resetForTests();
  rig.state.calls.clear();
  const logs = captureLogs();
  try {
    for (const item of release.events)
      await (await handlerOf(item.target))(item.event, lambdaContext(20000, 'herald-figures'));
  } finally {
    logs.restore();
  }
  const requests = rig.slack.requests;
  const posts = requests.filter((r) => r.path === '/api/chat.postMessage');
  const replies = posts.filter((r) => (r.json as { thread_ts?: string }).thread_ts !== undefined);
  const dynamo = [...rig.state.calls.values()].reduce((a, b) => a + b, 0);
  return {
    release: release.name,
    mode,
    events: release.events.length,
    channel: mode === 'webhook' ? requests.length : posts.length - replies.length,
    replies: replies.length,
    broadcasts: replies.filter((r) => (r.json as { reply_broadcast?: string }).reply_broadcast === 'true')
      .length,
    updates: requests.filter((r) => r.path === '/api/chat.update').length,
    slackCalls: requests.length,
    dynamoCalls: dynamo,
  };
}

async function main(): Promise<void> {
  const rig = await startLocalRig();
  process.env.HERALD_STAGE = 'stage';
  try {
    const rows = [];
    for (const release of [happyRelease(), failedBuildRelease(), failedProdRelease()]) {
      for (const mode of ['webhook', 'app'] as const) rows.push(await play(rig, release, mode));
    }
    console.table(rows);
  } finally {
    await rig.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
