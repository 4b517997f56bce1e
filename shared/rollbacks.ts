/**
 * What the bake-window buttons and the click share: which rule lets whom roll back or finish a
 * deployment, and the button value that names the deployment. The value only says which deployment
 * was shown; the click re-reads it from CodeDeploy and acts only on what CodeDeploy says now.
 */
import * as z from 'zod/mini';
import { environmentOf, matchesGlob } from './routing/route';
import type { RollbackRule, RoutingConfig } from './routing/schema';

export const ROLLBACK_ACTION = 'herald-rollback';
export const FINISH_ACTION = 'herald-finish';
export const REASON_BLOCK = 'herald-reason';
export const REASON_ACTION = 'herald-reason-input';

export function isBakeAction(actionId: string | undefined): boolean {
  return actionId === ROLLBACK_ACTION || actionId === FINISH_ACTION;
}

/** The rule for a deployment group of an application (its environment by the routing config). */
export function rollbackRuleFor(
  target: { application: string; deploymentGroup: string },
  routing: RoutingConfig,
): RollbackRule | undefined {
  const environment = environmentOf(target.deploymentGroup, routing);
  if (!environment) return undefined;
  return routing.rollbacks?.rules.find(
    (rule) =>
      rule.environment === environment &&
      (!rule.applications || rule.applications.some((p) => matchesGlob(p, target.application))) &&
      (rule.allowed.length > 0 || (rule.allowedGroups?.length ?? 0) > 0),
  );
}

const id = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const bakeValueSchema = z.object({
  v: z.literal(1),
  /** The deployment, its application and deployment group (CodeDeploy's limits). */
  d: z.string().check(z.regex(/^d-[A-Z0-9]{1,20}$/)),
  a: id(100),
  g: id(100),
  /** The service (`cluster/service`), the new and the original task definition revisions. */
  s: z.optional(id(520)),
  n: z.optional(id(300)),
  o: z.optional(id(300)),
  /** When the bake window ends (the original task set is terminated), ISO. */
  w: z.optional(z.string().check(z.maxLength(40))),
  /** The release (app mode): pipeline and execution, so that the card shows the decision. */
  p: z.optional(id(100)),
  r: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{1,64}$/))),
});

export type BakeValue = z.infer<typeof bakeValueSchema>;

export function encodeBakeValue(value: BakeValue): string {
  return JSON.stringify(value);
}

/** The deployment a bake-window button stands for, or undefined for anything that is not one. */
export function decodeBakeValue(text: string): BakeValue | undefined {
  try {
    const result = bakeValueSchema.safeParse(JSON.parse(text));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}
