/**
 * What the approval request and the click share: which rule governs an approval action, the ids
 * of its buttons and comment box, and how identities compare (the value: ./button-value.ts).
 */
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
