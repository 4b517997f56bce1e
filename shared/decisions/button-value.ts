/**
 * The one codec of what Herald's buttons carry back to it: named fields, one schema per kind of
 * decision, a version. The value travels only in Slack's signed payloads (never in a URL, never in
 * a log) and is validated again on the click; it only says what was shown: the click re-reads what
 * it acts on from CodePipeline or CodeDeploy. Values of version 1 (one-letter keys, on messages
 * posted before this codec) are still read, so a deploy never strands a pending approval.
 */
import * as z from 'zod/mini';
import { parseJsonAs } from '../input/schema';

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const optionalText = (max: number) => z.optional(z.string().check(z.maxLength(max)));

/** An approval request: which action waits, its token, and what the approver must not be. */
const approvalSchema = z.object({
  v: z.literal(2),
  kind: z.literal('approval'),
  pipeline: text(100),
  stage: text(100),
  action: text(100),
  token: z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/)),
  /** The environment the routing file maps the approval to ('' when none). */
  environment: z.string().check(z.maxLength(50)),
  /** Identities of whoever made the change (commit author name and email, pusher). */
  authors: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(5)),
  /** When the request expires, ISO. */
  expires: optionalText(40),
  /** The pipeline execution waiting (app mode: the release card shows the decision). */
  execution: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
});

/** A deployment in its bake window: which one, where, which revisions, until when. */
const bakeSchema = z.object({
  v: z.literal(2),
  kind: z.literal('bake'),
  deployment: z.string().check(z.regex(/^d-[A-Z0-9]{1,20}$/)),
  application: text(100),
  group: text(100),
  /** `cluster/service`. */
  service: z.optional(text(520)),
  /** Task definition ARNs of the new revision and of the original task set. */
  revision: z.optional(text(300)),
  original: z.optional(text(300)),
  /** When the bake window ends (the original task set is terminated), ISO. */
  until: optionalText(40),
});

export type ApprovalValue = z.infer<typeof approvalSchema>;
export type BakeValue = z.infer<typeof bakeSchema>;
export type ButtonValue = ApprovalValue | BakeValue;

/** Version 1's one-letter keys, per kind: renamed, then read through the same schema. */
const VERSION_1_KEYS: Record<ButtonValue['kind'], Record<string, string>> = {
  approval: {
    p: 'pipeline',
    s: 'stage',
    a: 'action',
    t: 'token',
    e: 'environment',
    au: 'authors',
    x: 'expires',
    r: 'execution',
  },
  bake: {
    d: 'deployment',
    a: 'application',
    g: 'group',
    s: 'service',
    n: 'revision',
    o: 'original',
    w: 'until',
  },
};

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify(value);
}

function decodeAs<T>(schema: z.ZodMiniType<T>, kind: ButtonValue['kind'], text: string): T | undefined {
  const value = parseJsonAs(schema, text);
  if (value) return value;
  const old = parseJsonAs(z.record(z.string(), z.unknown()), text);
  if (old?.v !== 1) return undefined;
  const keys = VERSION_1_KEYS[kind];
  const renamed = Object.entries(old).flatMap(([key, item]) => (keys[key] ? [[keys[key], item]] : []));
  const upgraded = schema.safeParse({ ...Object.fromEntries(renamed), v: 2, kind });
  return upgraded.success ? upgraded.data : undefined;
}

/** The approval a button stands for, or undefined for anything that is not one of ours. */
export function decodeApprovalValue(text: string): ApprovalValue | undefined {
  return decodeAs(approvalSchema, 'approval', text);
}

/** The deployment a bake-window button stands for, or undefined for anything that is not one. */
export function decodeBakeValue(text: string): BakeValue | undefined {
  return decodeAs(bakeSchema, 'bake', text);
}
