/**
 * For `npm start`: the releases of events/releases/ played in app mode through the real handlers
 * (Slack's Web API on the local receiver, the state table on dynalite), recording the card after
 * each event and the thread it ends with, as Slack would show them (each reply as last updated).
 * Two of them stop half-way, so that their buttons are live: one waits for its approval, one
 * bakes in prod (Roll back / Finish now). Each keeps its table, so a click acts on its release.
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
  type Release,
  type Target,
} from '../testkit/releases';
import type { LocalRig } from '../testkit/samples';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface ReleaseView {
  name: string;
  /** The release played, its state table, and where its card is (for clicks on its thread). */
  release: Release;
  table: string;
  cardTs?: string;
  /** The card after each event that changed it: which event, and the card then. */
  versions: Array<{ after: string; card: SlackMessage }>;
  card?: SlackMessage;
  thread: Array<{ message: SlackMessage; broadcast: boolean; ts: string }>;
  /** Channel messages the release left (one, the card). */
  channelMessages: number;
  failures: string[];
}

export const RELEASE_APP_ENV = {
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

/** The releases shown: whole ones, and two stopped where their buttons are live. */
function scenarios(): Release[] {
  const until = (release: Release, name: string, last: string): Release => ({
    ...release,
    name,
    events: release.events.slice(0, release.events.findIndex((e) => e.name === last) + 1),
  });
  return [
    until(happyRelease(), 'waiting for approval', 'approval requested'),
    until(happyRelease(), 'baking in prod', 'prod traffic shifted'),
    happyRelease(),
    failedBuildRelease(),
    failedProdRelease(),
  ];
}

export async function playReleases(rig: LocalRig): Promise<ReleaseView[]> {
  const saved = { ...process.env };
  const views: ReleaseView[] = [];
  try {
    for (const release of scenarios()) {
      const table = await rig.state.createTable();
      Object.assign(process.env, RELEASE_APP_ENV, {
        SLACK_API_URL: rig.slack.apiUrl,
        HERALD_STATE_TABLE: table,
        POWERTOOLS_IDEMPOTENCY_DISABLED: 'false',
      });
      delete process.env.SLACK_WEBHOOK_URL;
      resetForTests();
      rig.aws.use(release.responses);
      const from = rig.slack.requests.length;
      const view: ReleaseView = {
        name: release.name,
        release,
        table,
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
      // Each reply as it reads now: the last update of its ts (a settled offer has no buttons).
      const lastUpdate = (ts: string) =>
        calls.filter((r) => r.path === '/api/chat.update' && (r.json as { ts?: string }).ts === ts).at(-1);
      view.thread = posts
        .filter((r) => (r.json as { thread_ts?: string }).thread_ts !== undefined)
        .map((r) => {
          const ts = String((JSON.parse(r.answer ?? '{}') as { ts?: string }).ts ?? '');
          return {
            message: messageOf((lastUpdate(ts) ?? r).json as Record<string, unknown>),
            broadcast: (r.json as { reply_broadcast?: string }).reply_broadcast === 'true',
            ts,
          };
        });
      view.cardTs = stored.ts;
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
