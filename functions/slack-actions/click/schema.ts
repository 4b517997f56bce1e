/**
 * The Slack interactivity request: `application/x-www-form-urlencoded` with one `payload` field
 * holding JSON. Only `block_actions` from Herald's buttons mean anything here.
 * https://api.slack.com/reference/interaction-payloads/block-actions
 */
import * as z from 'zod/mini';
import type { ApprovalValue, BakeValue } from '../../../shared/decisions/button-value';

export const blockActionsSchema = z.object({
  type: z.literal('block_actions'),
  user: z.object({
    id: z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/)),
    username: z.optional(z.string()),
    name: z.optional(z.string()),
  }),
  response_url: z.optional(z.string()),
  actions: z
    .array(z.object({ action_id: z.string(), value: z.optional(z.string()), type: z.optional(z.string()) }))
    .check(z.minLength(1)),
  message: z.optional(
    z.object({
      ts: z.optional(z.string()),
      text: z.optional(z.string()),
      blocks: z.optional(z.array(z.unknown())),
    }),
  ),
  channel: z.optional(z.object({ id: z.string() })),
  state: z.optional(
    z.object({
      values: z.optional(
        z.record(z.string(), z.record(z.string(), z.object({ value: z.optional(z.nullable(z.string())) }))),
      ),
    }),
  ),
});

export type BlockActions = z.infer<typeof blockActionsSchema>;

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
