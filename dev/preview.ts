/**
 * `npm start`: Herald's main job on this machine, with no AWS account and no Slack workspace.
 * Serves a page on 127.0.0.1 showing every message Herald makes of the sample events, through the
 * real handlers, with Slack on a local receiver and AWS on a local stand-in. Approve / Reject work:
 * a click sends a signed interaction to the real slackActions handler. `npm start` runs this under
 * `tsx watch`, so an edited formatter shows on the next reload.
 * `npm start -- --send <webhook URL>` posts the messages to a real Slack channel instead, and exits.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSlackActionsHandler } from '../functions/slack-actions/handler';
import { decodeBakeValue } from '../shared/decisions/button-value';
import { isBakeAction } from '../shared/decisions/rollbacks';
import { currentRouting } from '../shared/flow/runtime';
import { resetForTests } from '../shared/lambda/container';
import type { SlackMessage } from '../shared/slack/message';
import { lambdaContext } from '../testkit/lambda-context';
import {
  type LocalRig,
  onlySample,
  runAllSamples,
  type SampleResult,
  sendTarget,
  startLocalRig,
} from '../testkit/samples';
import { BAKE_CLICK_TIME, CLICK_TIME, clickPayload, signedRequest } from '../testkit/slack-interaction';
import { html, peopleOf, renderMessage } from './preview/blockkit-html';
import { renderPage, renderProblems } from './preview/page';
import { playReleases, RELEASE_APP_ENV, type ReleaseView } from './release-preview';

/**
 * The samples happened on one day of November 2026: clicks on them are made then too (signed at that
 * time, judged by a handler whose clock says so), or their approval would have expired.
 */
const slackActions = createSlackActionsHandler({ nowSeconds: () => CLICK_TIME });
/** Roll back / Finish now are clicked inside the prod bake window (16:16:40 to 19:16:40 that day). */
const bakeActions = createSlackActionsHandler({ nowSeconds: () => BAKE_CLICK_TIME });

/**
 * What CodeDeploy (the local stand-in) says about the deployment a bake button names: still in its
 * window, as it would be at the time of the click. A second click finds the decision already made.
 */
function bakeAnswers(value: string) {
  const bake = decodeBakeValue(value);
  const deploymentInfo = bake && {
    deploymentId: bake.deployment,
    applicationName: bake.application,
    deploymentGroupName: bake.group,
    status: 'InProgress',
    instanceTerminationWaitTimeStarted: true,
  };
  return {
    'CodeDeploy_20141006.GetDeployment': { deploymentInfo },
    'CodeDeploy_20141006.StopDeployment': { status: 'Pending' },
    'CodeDeploy_20141006.ContinueDeployment': {},
  };
}

const DEFAULT_PORT = 4400;

const { checkRoutingFile } = require('../build-tools/check-routing.js') as {
  checkRoutingFile: (stage: string) => string[];
};

/** What is wrong with the routing file the preview runs on (the one `sls package` would refuse). */
function routingProblems(): string[] {
  return checkRoutingFile(process.env.HERALD_STAGE ?? 'local');
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
}

/** What a click on the page asks for, and the AWS answers its decision needs. */
function clickOf(body: Record<string, unknown>) {
  const actionId = String(body.actionId ?? '');
  const value = String(body.value ?? '');
  const typed = typeof body.comment === 'string' && body.comment ? body.comment : undefined;
  const bake = isBakeAction(actionId);
  const answers = bake
    ? bakeAnswers(value)
    : { 'CodePipeline_20150709.PutApprovalResult': { approvedAt: Date.now() / 1000 } };
  return { actionId, value, typed, bake, answers };
}

/** The click as Slack would send it, signed, answering on a response_url of the local Slack. */
function signedClick(
  rig: LocalRig,
  click: ReturnType<typeof clickOf>,
  blocks: SlackMessage['blocks'],
  messageTs?: string,
) {
  const responsePath = `/actions/preview/${Date.now()}`;
  const request = signedRequest(
    clickPayload({
      responseUrl: `${rig.slack.url}${responsePath}`,
      actionId: click.actionId,
      value: click.value,
      ...(click.bake ? { reason: click.typed } : { comment: click.typed }),
      blocks,
      ...(messageTs ? { messageTs } : {}),
    }),
    { timestamp: click.bake ? BAKE_CLICK_TIME : CLICK_TIME },
  );
  return { request, responsePath };
}

let clickTable: string | undefined;

/**
 * A click on Approve / Reject or Roll back / Finish now: signed like Slack signs it, handled by the
 * real slackActions (one state table keeps the decisions, so a second click says so).
 */
async function click(rig: LocalRig, last: SampleResult | undefined, body: Record<string, unknown>) {
  const message = last?.messages[last.messages.length - 1];
  if (!message) return { outcome: 'no message to click on' };
  const clicked = clickOf(body);
  rig.aws.use(clicked.answers);
  // One table for every click of the page: a decision made on one message is known on the others.
  clickTable ??= await rig.state.createTable();
  process.env.HERALD_STATE_TABLE = clickTable;
  resetForTests();
  const { request, responsePath } = signedClick(rig, clicked, message.blocks);
  const handle = clicked.bake ? bakeActions : slackActions;
  const response = await handle(request, lambdaContext(6000, 'herald-local-slackActions'));
  const answer = rig.slack.requests.find((r) => r.path === responsePath)?.json as SlackMessage | undefined;
  if (!answer) return { outcome: `no update (HTTP ${(response as { statusCode?: number }).statusCode})` };
  if (answer.response_type === 'ephemeral') return { outcome: 'ephemeral', ephemeral: answer.text };
  if (last) last.messages = [...last.messages.slice(0, -1), answer];
  return { outcome: answer.text, html: renderMessage(answer, peopleOf(currentRouting())) };
}

/**
 * A click inside a release's thread: handled by the real slackActions in app mode against that
 * release's own state table, so the decision shows on the reply and on the card, as in Slack.
 */
async function clickInRelease(rig: LocalRig, view: ReleaseView | undefined, body: Record<string, unknown>) {
  const reply = view?.thread.find((entry) => entry.ts === body.ts);
  if (!view || !reply) return { outcome: 'no such reply' };
  const clicked = clickOf(body);
  const saved = { ...process.env };
  rig.aws.use({ ...view.release.responses, ...clicked.answers });
  Object.assign(process.env, RELEASE_APP_ENV, {
    SLACK_API_URL: rig.slack.apiUrl,
    HERALD_STATE_TABLE: view.table,
  });
  delete process.env.SLACK_WEBHOOK_URL;
  resetForTests();
  const from = rig.slack.requests.length;
  const { request, responsePath } = signedClick(rig, clicked, reply.message.blocks, reply.ts);
  try {
    await (clicked.bake ? bakeActions : slackActions)(
      request,
      lambdaContext(6000, 'herald-local-slackActions'),
    );
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    resetForTests();
  }
  const made = rig.slack.requests.slice(from).filter((r) => r.accepted);
  const ephemeral = made.find((r) => r.path === responsePath)?.json as SlackMessage | undefined;
  if (ephemeral?.response_type === 'ephemeral') return { outcome: 'ephemeral', ephemeral: ephemeral.text };
  const updateOf = (ts: string | undefined) =>
    made.filter((r) => r.path === '/api/chat.update' && (r.json as { ts?: string }).ts === ts).at(-1)?.json as
      | SlackMessage
      | undefined;
  const people = peopleOf(currentRouting());
  const replyUpdate = updateOf(reply.ts);
  const cardUpdate = updateOf(view.cardTs);
  if (replyUpdate) reply.message = replyUpdate;
  if (cardUpdate) view.card = cardUpdate;
  return {
    outcome: replyUpdate?.text ?? 'no update',
    html: replyUpdate ? renderMessage(replyUpdate, people) : undefined,
    cardHtml: cardUpdate ? renderMessage(cardUpdate, people) : undefined,
  };
}

/**
 * The port asked for, waiting a moment while a restarting predecessor lets go of it; any free port
 * only when it stays taken (said so), or when 0 is asked for.
 */
async function listen(server: Server, port: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await new Promise<'ok' | 'busy'>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) =>
        error.code === 'EADDRINUSE' ? resolve('busy') : reject(error);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve('ok');
      });
    });
    if (outcome === 'ok') return;
    if (attempt >= 30) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.log(`Port ${port} stays busy; the preview uses a free one instead.`);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
}

export async function startPreview(
  port = DEFAULT_PORT,
): Promise<{ url: string; server: Server; rig: LocalRig }> {
  const rig = await startLocalRig();
  let results: SampleResult[] = [];
  let releases: ReleaseView[] = [];
  const server = createServer((req, res) => {
    const reply = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
      res.end(body);
    };
    (async () => {
      if (req.method === 'GET' && (req.url === '/' || req.url?.startsWith('/?'))) {
        // A broken routing file: its problems, on the page and in the terminal, not a stack trace.
        const problems = routingProblems();
        if (problems.length > 0) {
          console.error(`The routing file is broken:\n  ${problems.join('\n  ')}`);
          reply(200, 'text/html', renderProblems(problems));
          return;
        }
        // A reload starts over: every demo decision is forgotten (fresh tables for every click).
        clickTable = undefined;
        results = await runAllSamples(rig);
        releases = await playReleases(rig);
        reply(200, 'text/html', renderPage(results, releases, peopleOf(currentRouting())));
      } else if (req.method === 'GET' && req.url === '/results.json') {
        reply(
          200,
          'application/json',
          JSON.stringify(
            results.map((r) => ({
              file: r.sample.file,
              messages: r.messages,
              silentReason: r.silentReason,
              problems: r.problems,
              error: r.error,
            })),
          ),
        );
      } else if (req.method === 'POST' && req.url === '/click') {
        const body = await readJson(req);
        const answer =
          typeof body.release === 'string'
            ? await clickInRelease(
                rig,
                releases.find((view) => view.name === body.release),
                body,
              )
            : await click(
                rig,
                results.find((r) => r.sample.file === body.sample),
                body,
              );
        reply(200, 'application/json', JSON.stringify(answer));
      } else {
        reply(404, 'text/plain', 'not found');
      }
    })().catch((error: unknown) => {
      reply(
        500,
        'text/html',
        `<pre>${html(error instanceof Error ? (error.stack ?? error.message) : String(error))}</pre>`,
      );
    });
  });
  await listen(server, port);
  const { port: actual } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${actual}/`, server, rig };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const sendTo = sendTarget(argv);
  if (sendTo) {
    const rig = await startLocalRig({ sendTo });
    const results = await runAllSamples(rig, onlySample(argv));
    await rig.close();
    const failed = results.filter((r) => r.error);
    for (const r of failed) console.error(`${r.sample.file}: ${r.error}`);
    console.log(
      `Ran ${results.length} sample event${results.length === 1 ? '' : 's'}; their messages went to the given webhook.`,
    );
    process.exitCode = failed.length > 0 ? 1 : 0;
    return;
  }
  const portArg = argv.indexOf('--port');
  const port = portArg >= 0 ? Number(argv[portArg + 1]) : Number(process.env.PORT ?? DEFAULT_PORT);
  const { url, server, rig } = await startPreview(port);
  console.log(`Herald preview: ${url}`);
  // Stopped (Ctrl-C, or tsx watch restarting it): let go of the port and the stand-ins at once.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      server.closeAllConnections();
      server.close();
      rig.close().finally(() => process.exit(0));
    });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
