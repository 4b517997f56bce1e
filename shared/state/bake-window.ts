/**
 * The bake window (`bake#<cluster>/<service>`): after a blue/green traffic shift that keeps the
 * original task set, which deployment shifted traffic to which task definition revision, and until
 * when the original is kept (written by codedeploy, read by ecs to mark alerts of the new
 * revision). Written on the time of the shift: a late or duplicate event of an older deployment
 * never replaces a newer window. `decision#<deployment id>`: a roll back / finish now from Slack
 * (written once, conditionally, by slackActions; read by codedeploy for the follow-up messages).
 */
import * as v from 'valibot';
import { jsonOf, n, readItem, s, type TableDeps, updateIf } from './table';

const DAY_MS = 86_400_000;

const bakeWindowSchema = v.object({
  cluster: v.string(),
  service: v.string(),
  deploymentId: v.string(),
  application: v.string(),
  deploymentGroup: v.string(),
  /** The new revision (task definition ARN) traffic was shifted to, and the original one. */
  taskDefinition: v.string(),
  original: v.optional(v.string()),
  /** ISO times: the traffic shift, and when the original task set goes. */
  shiftedAt: v.string(),
  until: v.string(),
});

export type BakeWindow = v.InferOutput<typeof bakeWindowSchema>;

const decisionSchema = v.object({
  action: v.picklist(['rollback', 'finish']),
  userId: v.string(),
  name: v.string(),
  reason: v.optional(v.string()),
  /** ISO time of the click. */
  at: v.string(),
});

export type SlackDecision = v.InferOutput<typeof decisionSchema>;

const bakeItem = v.object({ window: v.string() });
const decisionItem = v.object({ decision: v.string(), status: v.optional(v.string()) });

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
