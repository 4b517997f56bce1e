/**
 * Slack interactivity (Approve / Reject clicks) → CodePipeline PutApprovalResult.
 * Trigger: HTTP API `POST /slack/actions` (the Slack app's interactivity request URL).
 * The signature is verified on the raw body bytes before anything is parsed; the approval token
 * is never logged. Slack wants an answer within 3 seconds: the message itself is updated through
 * `response_url`. https://api.slack.com/interactivity/handling
 */
import { PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import type { Context } from 'aws-lambda';
import { decodeButtonValue, ruleFor } from '../../shared/approvals';
import { awsErrorName, codePipelineDecisionClient, ssmClient } from '../../shared/aws/clients';
import { ssmParameterReader } from '../../shared/aws/secrets';
import { getConfig } from '../../shared/config';
import { logger } from '../../shared/logger';
import { withHerald } from '../../shared/middleware';
import { describeIssues } from '../../shared/parse';
import { loadRouting } from '../../shared/routing/load';
import { deliver } from '../../shared/slack/deliver';
import type { SlackMessage } from '../../shared/slack/message';
import { header, verifySlackSignature } from '../../shared/slack/signature';
import {
  authorise,
  commentOf,
  ephemeralReply,
  isOurAction,
  type Outcome,
  outcomeMessage,
  refusalOf,
  summaryOf,
} from './decide';
import { blockActionsSchema, type HttpRequest, type HttpResponse } from './schema';

const reply = (statusCode: number, body = ''): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

/** `response_url` comes from a verified request; still, only Slack (or a loopback stand-in) is called. */
export function isSlackResponseUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname);
  } catch {
    return false;
  }
}

async function signingSecret(): Promise<string | undefined> {
  const config = getConfig();
  if (config.signingSecretOverride) return config.signingSecretOverride;
  const name = loadRouting(config.stage, undefined, config.inLambda).approvals?.signingSecretParameter;
  if (!name) return undefined;
  const value = await ssmParameterReader(ssmClient())(name);
  return value && value.length >= 8 ? value : undefined;
}

export interface SlackActionsDeps {
  /** Epoch seconds; tests pin it to check the ±300 s window. */
  nowSeconds?: () => number;
}

export function createSlackActionsHandler(deps: SlackActionsDeps = {}) {
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));

  return async (
    request: HttpRequest,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<HttpResponse> => {
    const method = request.requestContext?.http?.method ?? request.httpMethod;
    if (method !== 'POST') return reply(405, 'POST only');

    const body = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
    let secret: string | undefined;
    try {
      secret = await signingSecret();
    } catch (error) {
      logger.error('Cannot read the Slack signing secret; refusing every request', {
        error: awsErrorName(error),
      });
      return reply(500, 'Herald cannot verify requests right now');
    }
    if (!secret) {
      logger.error(
        'No Slack signing secret is configured (approvals.signingSecretParameter); refusing every request',
      );
      return reply(500, 'Herald cannot verify requests right now');
    }
    const verdict = verifySlackSignature({
      secret,
      body,
      signature: header(request.headers, 'x-slack-signature'),
      timestamp: header(request.headers, 'x-slack-request-timestamp'),
      nowSeconds: nowSeconds(),
    });
    if (!verdict.ok) {
      logger.warn('Refused a request that is not signed by Slack', { reason: verdict.reason });
      return reply(401, 'invalid signature');
    }

    // Verified: now the body may be read.
    const form = new URLSearchParams(body.toString('utf8'));
    let json: unknown;
    try {
      json = JSON.parse(form.get('payload') ?? '');
    } catch {
      logger.warn('Signed request without a JSON payload');
      return reply(400, 'no payload');
    }
    if (!json || typeof json !== 'object' || (json as { type?: unknown }).type !== 'block_actions') {
      logger.info('Ignored an interaction that is not a button click', {
        type: String((json as { type?: unknown })?.type),
      });
      return reply(200);
    }
    const parsed = blockActionsSchema.safeParse(json);
    if (!parsed.success) {
      logger.warn('Unreadable block_actions payload', { reason: describeIssues(parsed.error) });
      return reply(400, 'unreadable payload');
    }
    const payload = parsed.data;
    const action = payload.actions[0];
    if (!isOurAction(action?.action_id)) return reply(200);
    const value = decodeButtonValue(action?.value ?? '');
    if (!value) {
      logger.warn('Approval button with an invalid value', { user: payload.user.id });
      return reply(400, 'invalid button');
    }

    const config = getConfig();
    const rule = ruleFor(
      { pipeline: value.p, stage: value.s, action: value.a },
      loadRouting(config.stage, undefined, config.inLambda),
    );
    const where = { pipeline: value.p, stage: value.s, action: value.a, user: payload.user.id };
    const answer = async (message: SlackMessage | undefined) => {
      if (!message) return;
      if (!isSlackResponseUrl(payload.response_url)) {
        logger.warn('No usable response_url; the message cannot be updated', where);
        return;
      }
      const deadline = Date.now() + Math.min(1500, Math.max(300, context.getRemainingTimeInMillis() - 500));
      await deliver(payload.response_url, message, {
        deadline,
        target: 'response_url',
        log: logger,
        requestTimeoutMs: 1200,
      }).catch((error: unknown) => {
        logger.error('Could not update the Slack message', { ...where, error: awsErrorName(error) });
      });
    };

    const allowed = authorise(payload, value, rule);
    if (!allowed.ok) {
      logger.warn('Refused an approval click', { ...where, outcome: allowed.outcome.kind });
      await answer(ephemeralReply(allowed.outcome, value.e));
      return reply(200);
    }

    const comment = commentOf(payload);
    const { decision } = allowed;
    let outcome: Outcome;
    try {
      await codePipelineDecisionClient().send(
        new PutApprovalResultCommand({
          pipelineName: value.p,
          stageName: value.s,
          actionName: value.a,
          token: value.t,
          result: {
            status: decision.status,
            summary: summaryOf(
              decision.status,
              { name: decision.approverName, id: payload.user.id },
              comment,
            ),
          },
        }),
      );
      outcome = { kind: 'recorded', status: decision.status };
      logger.info('Approval decided from Slack', { ...where, status: decision.status });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) {
        outcome = refusal;
        logger.info('CodePipeline refused the decision', { ...where, refusal: refusal.kind });
      } else {
        outcome = { kind: 'failed', error: awsErrorName(error) };
        logger.error('PutApprovalResult failed', { ...where, error: awsErrorName(error) });
      }
    }
    await answer(
      outcome.kind === 'failed'
        ? ephemeralReply(outcome, value.e)
        : outcomeMessage(payload, value, outcome, decision, comment, new Date(nowSeconds() * 1000)),
    );
    return reply(200);
  };
}

export const handler = withHerald('slackActions', createSlackActionsHandler());
