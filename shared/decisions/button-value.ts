/**
 * The one codec of what Herald's buttons carry back to it: named fields, one schema per kind of
 * decision, a version. The value travels only in Slack's signed payloads (never in a URL, never in
 * a log) and is validated again on the click; it only says what was shown: the click re-reads what
 * it acts on from CodePipeline or CodeDeploy. Values of version 1 (one-letter keys, on messages
 * posted before this codec) are still read, so a deploy never strands a pending approval.
 */
import * as v from 'valibot';
import { parseJsonAs } from '../input/schema';

const text = (max: number) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)));

/** An approval request: which action waits, its token, and what the approver must not be. */
const approvalSchema = v.object({
  v: v.literal(2),
  kind: v.literal('approval'),
  pipeline: text(100),
  stage: text(100),
  action: text(100),
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,128}$/)),
  /** The environment the routing file maps the approval to ('' when none). */
  environment: v.pipe(v.string(), v.maxLength(50)),
  /** Identities of whoever made the change (commit author name and email, pusher). */
  authors: v.pipe(v.array(v.pipe(v.string(), v.maxLength(200))), v.maxLength(5)),
  /** When the request expires, ISO. */
  expires: optionalText(40),
  /** The pipeline execution waiting (app mode: the release card shows the decision). */
  execution: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,64}$/))),
});

/** A deployment in its bake window: which one, where, which revisions, until when. */
const bakeSchema = v.object({
  v: v.literal(2),
  kind: v.literal('bake'),
  deployment: v.pipe(v.string(), v.regex(/^d-[A-Z0-9]{1,20}$/)),
  application: text(100),
  group: text(100),
  /** `cluster/service`. */
  service: v.optional(text(520)),
  /** Task definition ARNs of the new revision and of the original task set. */
  revision: v.optional(text(300)),
  original: v.optional(text(300)),
  /** When the bake window ends (the original task set is terminated), ISO. */
  until: optionalText(40),
});

export type ApprovalValue = v.InferOutput<typeof approvalSchema>;
export type BakeValue = v.InferOutput<typeof bakeSchema>;
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

function decodeAs<T>(
  schema: v.GenericSchema<unknown, T>,
  kind: ButtonValue['kind'],
  text: string,
): T | undefined {
  const value = parseJsonAs(schema, text);
  if (value) return value;
  const old = parseJsonAs(v.record(v.string(), v.unknown()), text);
  if (old?.v !== 1) return undefined;
  const keys = VERSION_1_KEYS[kind];
  const renamed = Object.entries(old).flatMap(([key, item]) => (keys[key] ? [[keys[key], item]] : []));
  const upgraded = v.safeParse(schema, { ...Object.fromEntries(renamed), v: 2, kind });
  return upgraded.success ? upgraded.output : undefined;
}

/** The approval a button stands for, or undefined for anything that is not one of ours. */
export function decodeApprovalValue(text: string): ApprovalValue | undefined {
  return decodeAs(approvalSchema, 'approval', text);
}

/** The deployment a bake-window button stands for, or undefined for anything that is not one. */
export function decodeBakeValue(text: string): BakeValue | undefined {
  return decodeAs(bakeSchema, 'bake', text);
}
