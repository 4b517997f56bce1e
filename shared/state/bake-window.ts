/**
 * The bake window in Herald's state table: after a blue/green traffic shift that keeps the
 * original task set, `bake#<cluster>/<service>` says which deployment shifted traffic to which
 * task definition revision, and until when the original is kept (written by codedeploy, read by
 * ecs to mark alerts of the new revision). `decision#<deployment id>` records a roll back / finish
 * now from Slack (written once, conditionally, by slackActions; read by codedeploy for the
 * follow-up messages). TTL: a day after the window.
 */
import {
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../aws/clients';

const DAY_SECONDS = 86_400;

export interface BakeWindow {
  cluster: string;
  service: string;
  deploymentId: string;
  application: string;
  deploymentGroup: string;
  /** The new revision (task definition ARN) traffic was shifted to, and the original one. */
  taskDefinition: string;
  original?: string;
  /** ISO times: the traffic shift, and when the original task set goes. */
  shiftedAt: string;
  until: string;
}

export interface SlackDecision {
  action: 'rollback' | 'finish';
  userId: string;
  name: string;
  reason?: string;
  /** ISO time of the click. */
  at: string;
}

export interface StateDeps {
  dynamo: Pick<DynamoDBClient, 'send'>;
  table: string;
}

const bakeKey = (cluster: string, service: string) => ({ key: { S: `bake#${cluster}/${service}` } });
const decisionKey = (deploymentId: string) => ({ key: { S: `decision#${deploymentId}` } });
const expiry = (iso: string) => ({ N: String(Math.floor(Date.parse(iso) / 1000) + DAY_SECONDS) });

export async function recordBakeWindow(window: BakeWindow, deps: StateDeps): Promise<void> {
  await deps.dynamo.send(
    new PutItemCommand({
      TableName: deps.table,
      Item: {
        ...bakeKey(window.cluster, window.service),
        window: { S: JSON.stringify(window) },
        expiresAt: expiry(window.until),
      },
    }),
  );
}

export async function readBakeWindow(
  cluster: string,
  service: string,
  deps: StateDeps,
): Promise<BakeWindow | undefined> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: bakeKey(cluster, service) }),
  );
  return Item?.window?.S ? (JSON.parse(Item.window.S) as BakeWindow) : undefined;
}

/**
 * Claims the one decision a deployment gets from Slack: true for the first click, otherwise the
 * decision already made (a second click, or two people at once). A claim whose call failed
 * (`failed`) may be claimed again.
 */
export async function claimDecision(
  deploymentId: string,
  decision: SlackDecision,
  deps: StateDeps,
): Promise<{ claimed: true } | { claimed: false; earlier?: SlackDecision }> {
  try {
    await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.table,
        Key: decisionKey(deploymentId),
        UpdateExpression: 'SET decision = :decision, #status = :pending, expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(decision) OR #status = :failed',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':decision': { S: JSON.stringify(decision) },
          ':pending': { S: 'pending' },
          ':failed': { S: 'failed' },
          ':ttl': expiry(decision.at),
        },
      }),
    );
    return { claimed: true };
  } catch (error) {
    if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw error;
    return { claimed: false, earlier: await readDecision(deploymentId, deps) };
  }
}

/** After the CodeDeploy call: `done`, or `failed` so that another click may try again. */
export async function settleDecision(
  deploymentId: string,
  status: 'done' | 'failed',
  deps: StateDeps,
): Promise<void> {
  await deps.dynamo.send(
    new UpdateItemCommand({
      TableName: deps.table,
      Key: decisionKey(deploymentId),
      UpdateExpression: 'SET #status = :status',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':status': { S: status } },
    }),
  );
}

/** The decision made from Slack about a deployment, if one was (and its call did not fail). */
export async function readDecision(
  deploymentId: string,
  deps: StateDeps,
): Promise<SlackDecision | undefined> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: decisionKey(deploymentId), ConsistentRead: true }),
  );
  if (!Item?.decision?.S || Item.status?.S === 'failed') return undefined;
  return JSON.parse(Item.decision.S) as SlackDecision;
}
