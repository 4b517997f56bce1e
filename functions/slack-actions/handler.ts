/**
 * Slack interactivity (Approve / Reject clicks) → CodePipeline PutApprovalResult.
 * Trigger: HTTP API `POST /slack/actions` (the Slack app's interactivity request URL).
 * verify (signature on the raw bytes) → read the click → authorise → record → show (chat.update
 * in app mode, else `response_url`); the approval token is never logged. https://api.slack.com/interactivity/handling
 */
import type { Context } from 'aws-lambda';
import { codePipelineDecisionClient } from '../../shared/aws/clients';
import { logger as log } from '../../shared/logger';
import { withHerald } from '../../shared/middleware';
import { currentRouting } from '../../shared/runtime';
import { authorise, commentOf, ephemeralReply, outcomeMessage } from './decide';
import { groupsOf } from './groups';
import { readClick } from './read';
import { recordDecision } from './record';
import { type HttpRequest, type HttpResponse, whereOf } from './schema';
import { showOptions, showOutcome } from './show';
import { reply, verifyRequest } from './verify';

interface SlackActionsDeps {
  /** Epoch seconds; tests pin it to check the ±300 s window. */
  nowSeconds?: () => number;
}

export function createSlackActionsHandler(deps: SlackActionsDeps = {}) {
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  return async (
    request: HttpRequest,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<HttpResponse> => {
    const started = Date.now();
    const routing = currentRouting();
    const verified = await verifyRequest(request, { routing, nowSeconds: nowSeconds(), log });
    if (!verified.ok) return verified.response;
    const read = readClick(verified.body, log);
    if (!read.ok) return read.response;
    const { click } = read;
    const { value, payload } = click;
    const show = showOptions(started, context.getRemainingTimeInMillis(), routing, log);
    const allowed = authorise(click, routing, await groupsOf(click, routing, show));
    if (!allowed.ok) {
      log.warn('Refused an approval click', { ...whereOf(click), outcome: allowed.outcome.kind });
      await showOutcome(click, ephemeralReply(allowed.outcome, value.e), undefined, show);
      return reply(200);
    }
    const [comment, now] = [commentOf(payload), new Date(nowSeconds() * 1000)];
    const deps = { codePipeline: codePipelineDecisionClient(), log, nowMs: now.getTime() };
    const outcome = await recordDecision(click, allowed.decision, comment, deps);
    const message =
      outcome.kind === 'failed'
        ? ephemeralReply(outcome, value.e)
        : outcomeMessage(payload, value, outcome, allowed.decision, comment, now);
    await showOutcome(click, message, { outcome, decision: allowed.decision, comment, now }, show);
    return reply(200);
  };
}

export const handler = withHerald('slackActions', createSlackActionsHandler());
