/**
 * App mode end to end, for the release tests: Slack's Web API and AWS on local stand-ins, the
 * state table on dynalite (a new table per test), the delivery log on; `play` feeds a release's
 * events to their real handlers, one after the other or all at once, and sums up what Slack got.
 */
import type { Context } from 'aws-lambda';
import { resetForTests } from '../../shared/lambda/container';
import { type Release, type ReleaseEvent, TARGETS, type Target } from '../../testkit/releases';
import { type LocalRig, startLocalRig } from '../../testkit/samples';
import { captureLogs, lambdaContext } from './lambda';
import { visibleText } from './slack-limits';

export const TOKEN = 'xoxb-local-release-test-0000';
export const CHANNEL = 'C0RELEASES';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export function useReleaseRig() {
  const saved = { ...process.env };
  let local: LocalRig | undefined;
  const handlers = new Map<Target, Handler>();
  const rig = (): LocalRig => {
    if (!local) throw new Error('the local rig did not start');
    return local;
  };

  beforeAll(async () => {
    local = await startLocalRig();
    for (const target of TARGETS) {
      const module = (await import(`../../functions/${target}/handler`)) as { handler: Handler };
      handlers.set(target, module.handler);
    }
  });

  afterAll(async () => {
    await local?.close();
    process.env = saved;
  });

  beforeEach(async () => {
    rig().slack.reset();
    Object.assign(process.env, {
      HERALD_STAGE: 'stage',
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_CHANNEL: CHANNEL,
      SLACK_API_URL: rig().slack.apiUrl,
      HERALD_STATE_TABLE: await rig().state.createTable(),
      POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
      // Card updates unspaced: each event's card is the one it made (spacing has a test of its own).
      HERALD_CARD_SPACING_MS: '0',
    });
    resetForTests();
  });

  /** Feeds the events to their handlers; what failed is returned, not thrown (Lambda would retry it). */
  async function play(release: Release, events: ReleaseEvent[], together = false) {
    rig().aws.use(release.responses);
    const logs = captureLogs();
    const failures: string[] = [];
    const run = async (item: ReleaseEvent) => {
      try {
        await handlers.get(item.target)?.(item.event, lambdaContext(20000));
      } catch (error) {
        failures.push(`${item.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    try {
      if (together) await Promise.all(events.map(run));
      else for (const item of events) await run(item);
    } finally {
      logs.restore();
    }
    return { slack: slackOutcome(rig()), logs: logs.lines(), raw: logs.raw(), failures };
  }

  return { play, rig };
}

interface Posted {
  path: string;
  fields: Record<string, unknown>;
  /** The ts Slack gave the message. */
  ts?: string;
}

function slackOutcome(rig: LocalRig) {
  const calls: Posted[] = rig.slack.requests
    .filter((r) => r.path.startsWith('/api/') && r.accepted)
    .map((r) => ({
      path: r.path,
      fields: r.json as Record<string, unknown>,
      ts: (JSON.parse(r.answer ?? '{}') as { ts?: string }).ts,
    }));
  const posts = calls.filter((c) => c.path === '/api/chat.postMessage');
  // What the channel shows: messages posted outside a thread and not deleted since.
  const deleted = new Set(calls.filter((c) => c.path === '/api/chat.delete').map((c) => String(c.fields.ts)));
  const channelMessages = posts.filter((c) => c.fields.thread_ts === undefined && !deleted.has(c.ts ?? ''));
  const replies = posts.filter((c) => c.fields.thread_ts !== undefined);
  const updates = calls.filter((c) => c.path === '/api/chat.update');
  // The card is the channel message; other updates settle replies in its thread.
  const cardTs = channelMessages[0]?.ts;
  const cardUpdates = updates.filter((c) => c.fields.ts === cardTs);
  const card = cardUpdates.at(-1) ?? channelMessages[0];
  return {
    calls,
    deleted: deleted.size,
    channelMessages,
    replies,
    updates,
    cardUpdates,
    broadcasts: replies.filter((c) => c.fields.reply_broadcast === 'true'),
    cardText: card
      ? visibleText({ text: String(card.fields.text), blocks: card.fields.blocks as never })
      : '',
  };
}
