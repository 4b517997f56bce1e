/**
 * Slack interactivity → CodePipeline (Approve / Reject) or CodeDeploy (Roll back / Finish now).
 * Trigger: HTTP API `POST /slack/actions` (the Slack app's interactivity request URL).
 * verify (signature on the raw bytes) → read the click → authorise → record → show (chat.update
 * in app mode, else `response_url`); the approval token is never logged. https://api.slack.com/interactivity/handling
 */
import type { Context } from 'aws-lambda';
import { currentRouting } from '../../shared/flow/runtime';
import { logger as log } from '../../shared/lambda/logger';
import { withHerald } from '../../shared/lambda/middleware';
import { handleApprovalClick } from './approval/click';
import { readClick } from './click/read';
import type { HttpRequest, HttpResponse } from './click/schema';
import { showOptions } from './click/show';
import { reply, verifyRequest } from './click/verify';
import { handleBakeClick } from './rollback/click';

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
    const show = showOptions(started, context.getRemainingTimeInMillis(), routing, log);
    const now = new Date(nowSeconds() * 1000);
    if ('bake' in read) await handleBakeClick(read.bake, routing, show, now);
    else await handleApprovalClick(read.click, routing, show, now);
    return reply(200);
  };
}

export const handler = withHerald('slackActions', createSlackActionsHandler());
