/**
 * The bake window (`bake#<cluster>/<service>`): after a blue/green traffic shift that keeps the
 * original task set, which deployment shifted traffic to which task definition revision, and until
 * when the original is kept (written by codedeploy, read by ecs to mark alerts of the new
 * revision). Written on the time of the shift: a late or duplicate event of an older deployment
 * never replaces a newer window. `decision#<deployment id>`: a roll back / finish now from Slack
 * (written once, conditionally, by slackActions; read by codedeploy for the follow-up messages).
 */
import * as z from 'zod/mini';
import { jsonOf, n, readItem, s, type TableDeps, updateIf } from './table';

const DAY_MS = 86_400_000;

const bakeWindowSchema = z.object({
  cluster: z.string(),
  service: z.string(),
  deploymentId: z.string(),
  application: z.string(),
  deploymentGroup: z.string(),
  /** The new revision (task definition ARN) traffic was shifted to, and the original one. */
  taskDefinition: z.string(),
  original: z.optional(z.string()),
  /** ISO times: the traffic shift, and when the original task set goes. */
  shiftedAt: z.string(),
  until: z.string(),
});

export type BakeWindow = z.infer<typeof bakeWindowSchema>;

const decisionSchema = z.object({
  action: z.enum(['rollback', 'finish']),
  userId: z.string(),
  name: z.string(),
  reason: z.optional(z.string()),
  /** ISO time of the click. */
  at: z.string(),
});

export type SlackDecision = z.infer<typeof decisionSchema>;

const bakeItem = z.object({ window: z.string() });
const decisionItem = z.object({ decision: z.string(), status: z.optional(z.string()) });

/** TTL: a day after `iso`. */
const dayAfter = (iso: string) => n(Math.floor((Date.parse(iso) + DAY_MS) / 1000));

/**
 * Records the window unless a newer traffic shift of the service is recorded already: true when
 * written, false when a newer window stands.
 */
export async function recordBakeWindow(window: BakeWindow, deps: TableDeps): Promise<boolean> {
  const written = await updateIf(deps, 'bake', `${window.cluster}/${window.service}`, {
    UpdateExpression: 'SET #window = :window, shiftedMs = :shifted, expiresAt = :ttl',
    ConditionExpression: 'attribute_not_exists(shiftedMs) OR shiftedMs <= :shifted',
    ExpressionAttributeNames: { '#window': 'window' },
    ExpressionAttributeValues: {
      ':window': s(JSON.stringify(window)),
      ':shifted': n(Date.parse(window.shiftedAt)),
      ':ttl': dayAfter(window.until),
    },
  });
  return written !== false;
}

export async function readBakeWindow(
  cluster: string,
  service: string,
  deps: TableDeps,
): Promise<BakeWindow | undefined> {
  const item = await readItem(deps, 'bake', `${cluster}/${service}`, bakeItem);
  return jsonOf(bakeWindowSchema, item?.window);
}

/**
 * Claims the one decision a deployment gets from Slack: true for the first click, otherwise the
 * decision already made (a second click, or two people at once). A claim whose call failed
 * (`failed`) may be claimed again.
 */
export async function claimDecision(
  deploymentId: string,
  decision: SlackDecision,
  deps: TableDeps,
): Promise<{ claimed: true } | { claimed: false; earlier?: SlackDecision }> {
  const written = await updateIf(deps, 'decision', deploymentId, {
    UpdateExpression: 'SET decision = :decision, #status = :pending, expiresAt = :ttl',
    ConditionExpression: 'attribute_not_exists(decision) OR #status = :failed',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':decision': s(JSON.stringify(decision)),
      ':pending': s('pending'),
      ':failed': s('failed'),
      ':ttl': dayAfter(decision.at),
    },
  });
  if (written !== false) return { claimed: true };
  return { claimed: false, earlier: await readDecision(deploymentId, deps) };
}

/** After the CodeDeploy call: `done`, or `failed` so that another click may try again. */
export async function settleDecision(
  deploymentId: string,
  status: 'done' | 'failed',
  deps: TableDeps,
): Promise<void> {
  await updateIf(deps, 'decision', deploymentId, {
    UpdateExpression: 'SET #status = :status',
    ConditionExpression: 'attribute_exists(decision)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':status': s(status) },
  });
}

/** The decision made from Slack about a deployment, if one was (and its call did not fail). */
export async function readDecision(
  deploymentId: string,
  deps: TableDeps,
): Promise<SlackDecision | undefined> {
  const item = await readItem(deps, 'decision', deploymentId, decisionItem, { consistent: true });
  if (!item || item.status === 'failed') return undefined;
  return jsonOf(decisionSchema, item.decision);
}
