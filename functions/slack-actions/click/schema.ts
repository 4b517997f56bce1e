/**
 * The Slack interactivity request: `application/x-www-form-urlencoded` with one `payload` field
 * holding JSON. Only `block_actions` from Herald's buttons mean anything here.
 * https://api.slack.com/reference/interaction-payloads/block-actions
 */
import * as v from 'valibot';
import type { ApprovalValue, BakeValue } from '../../../shared/decisions/button-value';

export const blockActionsSchema = v.object({
  type: v.literal('block_actions'),
  user: v.object({
    id: v.pipe(v.string(), v.regex(/^[UW][A-Z0-9]{2,}$/)),
    username: v.optional(v.string()),
    name: v.optional(v.string()),
  }),
  response_url: v.optional(v.string()),
  actions: v.pipe(
    v.array(v.object({ action_id: v.string(), value: v.optional(v.string()), type: v.optional(v.string()) })),
    v.minLength(1),
  ),
  message: v.optional(
    v.object({
      ts: v.optional(v.string()),
      text: v.optional(v.string()),
      blocks: v.optional(v.array(v.unknown())),
    }),
  ),
  channel: v.optional(v.object({ id: v.string() })),
  state: v.optional(
    v.object({
      values: v.optional(
        v.record(v.string(), v.record(v.string(), v.object({ value: v.optional(v.nullable(v.string())) }))),
      ),
    }),
  ),
});

export type BlockActions = v.InferOutput<typeof blockActionsSchema>;

/** A verified click on one of Herald's buttons, and the approval its value stands for. */
export interface Click {
  payload: BlockActions;
  value: ApprovalValue;
}

/** A verified click on Roll back / Finish now, and the deployment its value names. */
export interface BakeClick {
  payload: BlockActions;
  value: BakeValue;
}

/** Where a bake-window click acts, for log lines. */
export function deploymentOf({ payload, value }: BakeClick): Record<string, string> {
  return {
    deploymentId: value.deployment,
    application: value.application,
    deploymentGroup: value.group,
    user: payload.user.id,
  };
}

/** Where a click acts, for log lines (never the token). */
export function whereOf({ payload, value }: Click): Record<string, string> {
  return { pipeline: value.pipeline, stage: value.stage, action: value.action, user: payload.user.id };
}

/** Both API Gateway shapes: HTTP API (v2) and REST API (v1). */
export interface HttpRequest {
  version?: string;
  httpMethod?: string;
  requestContext?: { http?: { method?: string } };
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export interface HttpResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body: string;
}

/** AWS answers that are a state of what was clicked (already decided, gone), each with the outcome it means. */
export type Refusals<O> = Record<string, (message: string) => O>;

/** The outcome an AWS error means, when it is one of the known refusals; undefined for a fault. */
export function refusalOf<O>(error: unknown, refusals: Refusals<O>): O | undefined {
  if (!(error instanceof Error)) return undefined;
  return refusals[error.name]?.(error.message);
}
