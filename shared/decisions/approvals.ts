/**
 * What the approval request and the click share: which rule governs an approval action, and the
 * button value that carries the approval from the message to the click. The value travels only in
 * Slack's signed payloads (never in a URL, never in a log), and is validated again on the click.
 */
import * as z from 'zod/mini';
import { parseJsonAs } from '../input/schema';
import { matchesGlob } from '../routing/route';
import type { ApprovalRule, RoutingConfig } from '../routing/schema';

export const APPROVE_ACTION = 'herald-approve';
export const REJECT_ACTION = 'herald-reject';
export const COMMENT_BLOCK = 'herald-comment';
export const COMMENT_ACTION = 'herald-comment-input';

interface ApprovalTarget {
  pipeline: string;
  stage: string;
  action: string;
}

/** The first rule matching the pipeline, stage and action; none means nobody may approve. */
export function ruleFor(target: ApprovalTarget, config: RoutingConfig): ApprovalRule | undefined {
  const matches = (patterns: string[] | undefined, value: string) =>
    !patterns || patterns.some((p) => matchesGlob(p, value));
  return config.approvals?.rules.find(
    (rule) =>
      matches(rule.pipelines, target.pipeline) &&
      matches(rule.stages, target.stage) &&
      matches(rule.actions, target.action),
  );
}

const buttonValueSchema = z.object({
  v: z.literal(1),
  p: z.string().check(z.minLength(1), z.maxLength(100)),
  s: z.string().check(z.minLength(1), z.maxLength(100)),
  a: z.string().check(z.minLength(1), z.maxLength(100)),
  t: z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/)),
  e: z.string().check(z.maxLength(50)),
  /** Identities of whoever made the change (commit author name and email, pusher). */
  au: z.array(z.string().check(z.maxLength(200))).check(z.maxLength(5)),
  x: z.optional(z.string().check(z.maxLength(40))),
  /** The pipeline execution waiting (app mode: the release card shows the decision). */
  r: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
});

export type ButtonValue = z.infer<typeof buttonValueSchema>;

export function encodeButtonValue(value: ButtonValue): string {
  return JSON.stringify(value);
}

/** The approval a button stands for, or undefined for anything that is not one of ours. */
export function decodeButtonValue(text: string): ButtonValue | undefined {
  return parseJsonAs(buttonValueSchema, text);
}

/** Trimmed, lower-cased identities, for comparing a commit author with an approver. */
export function normalizedIdentities(values: Array<string | undefined>): Set<string> {
  const set = new Set<string>();
  for (const value of values) {
    const v = value?.trim().toLowerCase();
    if (!v) continue;
    set.add(v);
  }
  return set;
}
