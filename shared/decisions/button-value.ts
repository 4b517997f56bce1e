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

const legacyApproval = z.object({
  v: z.literal(1),
  p: z.string(),
  s: z.string(),
  a: z.string(),
  t: z.string(),
  e: z.string(),
  au: z.array(z.string()),
  x: z.optional(z.string()),
  r: z.optional(z.string()),
});

const legacyBake = z.object({
  v: z.literal(1),
  d: z.string(),
  a: z.string(),
  g: z.string(),
  s: z.optional(z.string()),
  n: z.optional(z.string()),
  o: z.optional(z.string()),
  w: z.optional(z.string()),
});

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify(value);
}

function upgrade(text: string, kind: ButtonValue['kind']): unknown {
  if (kind === 'approval') {
    const old = parseJsonAs(legacyApproval, text);
    return (
      old && {
        v: 2,
        kind,
        pipeline: old.p,
        stage: old.s,
        action: old.a,
        token: old.t,
        environment: old.e,
        authors: old.au,
        expires: old.x,
        execution: old.r,
      }
    );
  }
  const old = parseJsonAs(legacyBake, text);
  return (
    old && {
      v: 2,
      kind,
      deployment: old.d,
      application: old.a,
      group: old.g,
      service: old.s,
      revision: old.n,
      original: old.o,
      until: old.w,
    }
  );
}

/** The approval a button stands for, or undefined for anything that is not one of ours. */
export function decodeApprovalValue(text: string): ApprovalValue | undefined {
  const value = parseJsonAs(approvalSchema, text);
  if (value) return value;
  const upgraded = approvalSchema.safeParse(upgrade(text, 'approval'));
  return upgraded.success ? upgraded.data : undefined;
}

/** The deployment a bake-window button stands for, or undefined for anything that is not one. */
export function decodeBakeValue(text: string): BakeValue | undefined {
  const value = parseJsonAs(bakeSchema, text);
  if (value) return value;
  const upgraded = bakeSchema.safeParse(upgrade(text, 'bake'));
  return upgraded.success ? upgraded.data : undefined;
}
