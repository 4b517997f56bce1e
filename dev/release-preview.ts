/**
 * For `npm start`: the three releases of testkit/releases.ts played in app mode through the real
 * handlers (Slack's Web API on the local receiver, the state table on dynalite), recording the card
 * after each event and the thread it ends with, as Slack would show them.
 */
import type { Context } from 'aws-lambda';
import { resetForTests } from '../shared/lambda/container';
import type { SlackMessage } from '../shared/slack/message';
import { readRelease, releaseKey } from '../shared/state/releases';
import { captureLogs } from '../testkit/capture-logs';
import { lambdaContext } from '../testkit/lambda-context';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  PIPELINE,
  type Target,
} from '../testkit/releases';
import type { LocalRig } from '../testkit/samples';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface ReleaseView {
  name: string;
  /** The card after each event that changed it: which event, and the card then. */
  versions: Array<{ after: string; card: SlackMessage }>;
  card?: SlackMessage;
  thread: Array<{ message: SlackMessage; broadcast: boolean }>;
  /** Channel messages the release left (one, the card). */
  channelMessages: number;
  failures: string[];
}

const APP_ENV = {
  SLACK_BOT_TOKEN: 'xoxb-local-preview-0000',
  SLACK_CHANNEL: 'C0PREVIEW',
  // Each event's card is recorded as it made it: updates unspaced.
  HERALD_CARD_SPACING_MS: '0',
};

function messageOf(fields: Record<string, unknown>): SlackMessage {
  return { text: String(fields.text ?? ''), blocks: (fields.blocks ?? []) as SlackMessage['blocks'] };
}

async function handlerOf(target: Target): Promise<Handler> {
  return ((await import(`../functions/${target}/handler`)) as { handler: Handler }).handler;
}

export async function playReleases(rig: LocalRig): Promise<ReleaseView[]> {
  const saved = { ...process.env };
  const views: ReleaseView[] = [];
  try {
    for (const release of [happyRelease(), failedBuildRelease(), failedProdRelease()]) {
      Object.assign(process.env, APP_ENV, {
        SLACK_API_URL: rig.slack.apiUrl,
        HERALD_STATE_TABLE: await rig.state.createTable(),
        POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
      });
      delete process.env.SLACK_WEBHOOK_URL;
      resetForTests();
      rig.aws.use(release.responses);
      const from = rig.slack.requests.length;
      const view: ReleaseView = {
        name: release.name,
        versions: [],
        thread: [],
        channelMessages: 0,
        failures: [],
      };
      const spans: Array<{ after: string; from: number; to: number }> = [];
      const logs = captureLogs();
      try {
        for (const item of release.events) {
          const before = rig.slack.requests.length;
          await (await handlerOf(item.target))(
            item.event,
            lambdaContext(20000, `herald-local-${item.target}`),
          ).catch((error: unknown) =>
            view.failures.push(`${item.name}: ${error instanceof Error ? error.message : String(error)}`),
          );
          spans.push({ after: item.name, from: before, to: rig.slack.requests.length });
        }
      } finally {
        logs.restore();
      }
      // Which message is the card: the release item says.
      const stored = await readRelease(releaseKey(PIPELINE, release.executionId), {
        dynamo: rig.state.client,
        table: String(process.env.HERALD_STATE_TABLE),
      });
      for (const span of spans) {
        for (const request of rig.slack.requests.slice(span.from, span.to)) {
          if (!request.accepted) continue;
          const fields = request.json as Record<string, unknown>;
          const ts = (JSON.parse(request.answer ?? '{}') as { ts?: string }).ts;
          const isCard =
            (request.path === '/api/chat.update' && fields.ts === stored.ts) ||
            (request.path === '/api/chat.postMessage' &&
              fields.thread_ts === undefined &&
              ts === stored.ts &&
              !String(fields.text).includes('pushed'));
          if (isCard) view.versions.push({ after: span.after, card: messageOf(fields) });
        }
      }
      const calls = rig.slack.requests.slice(from).filter((r) => r.accepted && r.path.startsWith('/api/'));
      const deleted = new Set(
        calls.filter((r) => r.path === '/api/chat.delete').map((r) => String((r.json as { ts?: string }).ts)),
      );
      const posts = calls.filter((r) => r.path === '/api/chat.postMessage');
      const roots = posts.filter((r) => (r.json as { thread_ts?: string }).thread_ts === undefined);
      view.channelMessages = roots.filter(
        (r) => !deleted.has(String((JSON.parse(r.answer ?? '{}') as { ts?: string }).ts)),
      ).length;
      view.thread = posts
        .filter((r) => (r.json as { thread_ts?: string }).thread_ts !== undefined)
        .map((r) => ({
          message: messageOf(r.json as Record<string, unknown>),
          broadcast: (r.json as { reply_broadcast?: string }).reply_broadcast === 'true',
        }));
      view.card = view.versions.at(-1)?.card;
      views.push(view);
    }
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    resetForTests();
  }
  return views;
}
