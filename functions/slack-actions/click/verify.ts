/**
 * Step 1 of a click: is it Slack's? The signing secret comes from `SLACK_SIGNING_SECRET` (local
 * runs and tests) or its SSM parameter; without one, every request is refused. The signature is
 * checked on the raw body bytes (API Gateway may base64-encode them) before anything is parsed.
 */
import { awsErrorName, ssmClient } from '../../../shared/aws/clients';
import { ssmParameterReader } from '../../../shared/aws/secrets';
import { getConfig, type HeraldConfig } from '../../../shared/lambda/config';
import type { Log } from '../../../shared/lambda/logger';
import type { RoutingConfig } from '../../../shared/routing/schema';
import { header, verifySlackSignature } from '../../../shared/slack/signature';
import type { HttpRequest, HttpResponse } from './schema';

export const reply = (statusCode: number, body = ''): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body,
});

async function signingSecret(config: HeraldConfig, routing: RoutingConfig): Promise<string | undefined> {
  if (config.signingSecretOverride) return config.signingSecretOverride;
  const name = routing.approvals?.signingSecretParameter ?? routing.rollbacks?.signingSecretParameter;
  if (!name) return undefined;
  const value = await ssmParameterReader(ssmClient())(name);
  return value && value.length >= 8 ? value : undefined;
}

/** The verified raw body, or the answer that refuses the request. */
export async function verifyRequest(
  request: HttpRequest,
  options: { routing: RoutingConfig; nowSeconds: number; log: Log },
): Promise<{ ok: true; body: Buffer } | { ok: false; response: HttpResponse }> {
  const { log } = options;
  const method = request.requestContext?.http?.method ?? request.httpMethod;
  if (method !== 'POST') return { ok: false, response: reply(405, 'POST only') };
  const body = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
  let secret: string | undefined;
  try {
    secret = await signingSecret(getConfig(), options.routing);
  } catch (error) {
    log.error('Cannot read the Slack signing secret; refusing every request', { error: awsErrorName(error) });
    return { ok: false, response: reply(500, 'Herald cannot verify requests right now') };
  }
  if (!secret) {
    log.error(
      'No Slack signing secret is configured (approvals or rollbacks: signingSecretParameter); refusing every request',
    );
    return { ok: false, response: reply(500, 'Herald cannot verify requests right now') };
  }
  const verdict = verifySlackSignature({
    secret,
    body,
    signature: header(request.headers, 'x-slack-signature'),
    timestamp: header(request.headers, 'x-slack-request-timestamp'),
    nowSeconds: options.nowSeconds,
  });
  if (!verdict.ok) {
    log.warn('Refused a request that is not signed by Slack', { reason: verdict.reason });
    return { ok: false, response: reply(401, 'invalid signature') };
  }
  return { ok: true, body };
}
