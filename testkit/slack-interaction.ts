/**
 * Builds Slack interactivity requests as API Gateway hands them to Lambda (tests, bench, preview),
 * signed with a test secret the way Slack signs them (v0 HMAC-SHA256 over the raw body).
 */

import type { HttpRequest } from '../functions/slack-actions/click/schema';
import { APPROVE_ACTION, COMMENT_ACTION, COMMENT_BLOCK } from '../shared/decisions/approvals';
import { type ApprovalValue, type BakeValue, encodeButtonValue } from '../shared/decisions/button-value';
import { REASON_ACTION, REASON_BLOCK } from '../shared/decisions/rollbacks';
import { signBody } from '../shared/slack/signature';

export const TEST_SIGNING_SECRET = 'test-signing-secret-not-a-real-one';
export const CLICK_TIME = 1795190100; // 2026-11-20T15:55:00Z, minutes after the approval request

export const APPROVAL: ApprovalValue = {
  v: 2,
  kind: 'approval',
  pipeline: 'herald-stage-pipeline',
  stage: 'Approval',
  action: 'Approve-prod',
  token: '0f6ad3e2-7c41-4b9e-9a5d-2c8e1b7f4a60',
  environment: 'prod',
  authors: ['Jane Doe', 'jane.doe@example.com'],
  expires: '2026-11-27T15:48:00.000Z',
};

/** The prod deployment of the samples shifted traffic at 16:16:40 and keeps the original until 19:16:40. */
export const BAKE: BakeValue = {
  v: 2,
  kind: 'bake',
  deployment: 'd-7Q2WERT5X',
  application: 'herald-stage-app',
  group: 'herald-stage-app-prod',
  service: 'shop-cluster/shop-api-prod',
  revision: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:43',
  original: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:42',
  until: '2026-11-20T19:16:40.000Z',
};
/** A click inside that window: 2026-11-20T16:40:00Z. */
export const BAKE_CLICK_TIME = 1795192800;

export interface Click {
  userId?: string;
  userName?: string;
  actionId?: string;
  value?: string;
  comment?: string;
  /** The reason typed next to Roll back / Finish now. */
  reason?: string;
  responseUrl: string;
  blocks?: unknown[];
  /** The ts of the message the button is on (app mode updates it with chat.update). */
  messageTs?: string;
}

export function clickPayload(click: Click): Record<string, unknown> {
  return {
    type: 'block_actions',
    user: {
      id: click.userId ?? 'U0APPROVER',
      username: click.userName ?? 'li.wei',
      name: click.userName ?? 'li.wei',
      team_id: 'T0LOCAL',
    },
    api_app_id: 'A0LOCAL',
    token: 'deprecated-verification-token',
    container: {
      type: 'message',
      message_ts: '1795187300.000100',
      channel_id: 'C0RELEASES',
      is_ephemeral: false,
    },
    trigger_id: '398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c',
    channel: { id: 'C0RELEASES', name: 'releases' },
    message: { type: 'message', text: 'Approval needed', blocks: click.blocks ?? [], ts: click.messageTs },
    state: {
      values: {
        [COMMENT_BLOCK]: { [COMMENT_ACTION]: { type: 'plain_text_input', value: click.comment ?? null } },
        [REASON_BLOCK]: { [REASON_ACTION]: { type: 'plain_text_input', value: click.reason ?? null } },
      },
    },
    response_url: click.responseUrl,
    actions: [
      {
        action_id: click.actionId ?? APPROVE_ACTION,
        block_id: 'choices',
        text: { type: 'plain_text', text: 'Approve' },
        value: click.value ?? encodeButtonValue(APPROVAL),
        type: 'button',
        action_ts: '1795190100.123456',
      },
    ],
  };
}

export interface SignOptions {
  secret?: string;
  timestamp?: number | string;
  /** HTTP API (v2) base64-encodes form bodies; REST (v1) passes them as text. */
  form?: 'v2-base64' | 'v1-text';
  signature?: string | null;
  body?: string;
}

export function signedRequest(payload: unknown, options: SignOptions = {}): HttpRequest {
  const body = options.body ?? `payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const timestamp = String(options.timestamp ?? CLICK_TIME);
  const signature =
    options.signature === undefined
      ? signBody(options.secret ?? TEST_SIGNING_SECRET, timestamp, body)
      : options.signature;
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': timestamp,
  };
  if (signature !== null) headers['x-slack-signature'] = signature;
  if (options.form === 'v1-text') {
    return {
      httpMethod: 'POST',
      headers: {
        'Content-Type': headers['content-type'] ?? '',
        'X-Slack-Request-Timestamp': timestamp,
        ...(signature !== null ? { 'X-Slack-Signature': signature } : {}),
      },
      body,
      isBase64Encoded: false,
    };
  }
  return {
    version: '2.0',
    requestContext: { http: { method: 'POST' } },
    headers,
    body: Buffer.from(body, 'utf8').toString('base64'),
    isBase64Encoded: true,
  };
}
