/**
 * The release items in Herald's state table: `release#<pipeline>#<execution>` holds the card's
 * state (as JSON), its `version`, and where the card is (`channel`, `ts`); `link#<id>` ties a
 * build, a deployment or a task definition to its release. Every write is conditional: a state
 * write on the version it read (a lost race reads again), the card's first post on a short lease.
 * TTL: three weeks.
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { awsErrorName } from '../aws/clients';
import type { ReleaseState } from '../releases/state';

const KEEP_SECONDS = 21 * 86_400;
const POST_LEASE_MS = 15_000;

export interface ReleaseLink {
  pipeline: string;
  executionId: string;
  stage?: string;
}

export interface StoredRelease {
  state?: ReleaseState;
  version: number;
  channel?: string;
  ts?: string;
  postingUntil?: number;
  /** The newest version some invocation has pushed to Slack. */
  shown: number;
}

export interface StoreDeps {
  dynamo: Pick<DynamoDBClient, 'send'>;
  table: string;
  now?: () => number;
}

export const releaseKey = (pipeline: string, executionId: string) => `release#${pipeline}#${executionId}`;

const s = (value: string): AttributeValue => ({ S: value });
const n = (value: number): AttributeValue => ({ N: String(value) });

function ttl(deps: StoreDeps): AttributeValue {
  return n(Math.floor((deps.now ?? Date.now)() / 1000) + KEEP_SECONDS);
}

function isConflict(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/** A conditional update of one item: true when written, false when its condition did not hold. */
async function updateIf(
  key: Record<string, AttributeValue>,
  input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>,
  deps: StoreDeps,
): Promise<boolean> {
  try {
    await deps.dynamo.send(new UpdateItemCommand({ TableName: deps.table, Key: key, ...input }));
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

export async function readRelease(key: string, deps: StoreDeps): Promise<StoredRelease> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: { key: s(key) }, ConsistentRead: true }),
  );
  if (!Item) return { version: 0, shown: 0 };
  return {
    state: Item.card?.S ? (JSON.parse(Item.card.S) as ReleaseState) : undefined,
    version: Number(Item.version?.N ?? 0),
    channel: Item.channel?.S,
    ts: Item.ts?.S,
    postingUntil: Item.postingUntil?.N ? Number(Item.postingUntil.N) : undefined,
    shown: Number(Item.shown?.N ?? 0),
  };
}

/** Writes `state` as version `seen + 1`; false when someone else wrote first (read again). */
export async function writeRelease(
  key: string,
  state: ReleaseState,
  seen: number,
  deps: StoreDeps,
): Promise<boolean> {
  return updateIf(
    { key: s(key) },
    {
      UpdateExpression: 'SET card = :card, version = :next, expiresAt = :ttl',
      ConditionExpression: seen === 0 ? 'attribute_not_exists(version)' : 'version = :seen',
      ExpressionAttributeValues: {
        ':card': s(JSON.stringify(state)),
        ':next': n(seen + 1),
        ':ttl': ttl(deps),
        ...(seen === 0 ? {} : { ':seen': n(seen) }),
      },
    },
    deps,
  );
}

/** The right to post the card: one invocation at a time, for a short lease, while it has no `ts`. */
export async function claimCardPost(key: string, deps: StoreDeps): Promise<boolean> {
  const now = (deps.now ?? Date.now)();
  return updateIf(
    { key: s(key) },
    {
      UpdateExpression: 'SET postingUntil = :until',
      ConditionExpression:
        'attribute_exists(version) AND attribute_not_exists(ts) AND (attribute_not_exists(postingUntil) OR postingUntil < :now)',
      ExpressionAttributeValues: { ':until': n(now + POST_LEASE_MS), ':now': n(now) },
    },
    deps,
  );
}

export async function recordCardPost(
  key: string,
  channel: string,
  ts: string,
  deps: StoreDeps,
): Promise<void> {
  await deps.dynamo.send(
    new UpdateItemCommand({
      TableName: deps.table,
      Key: { key: s(key) },
      UpdateExpression: 'SET channel = :channel, ts = :ts REMOVE postingUntil',
      ConditionExpression: 'attribute_not_exists(ts)',
      ExpressionAttributeValues: { ':channel': s(channel), ':ts': s(ts) },
    }),
  );
}

/** Gives the lease back after a failed post, so the next event may post the card. */
export async function releaseCardPost(key: string, deps: StoreDeps): Promise<void> {
  const input = { UpdateExpression: 'REMOVE postingUntil', ConditionExpression: 'attribute_not_exists(ts)' };
  await updateIf({ key: s(key) }, input, deps).catch(() => undefined);
}

/** Notes that `version` reached Slack (never lowers the mark: a lower one changes nothing). */
export async function recordShown(key: string, version: number, deps: StoreDeps): Promise<void> {
  await updateIf(
    { key: s(key) },
    {
      UpdateExpression: 'SET shown = :v',
      ConditionExpression: 'attribute_not_exists(shown) OR shown < :v',
      ExpressionAttributeValues: { ':v': n(version) },
    },
    deps,
  );
}

export async function readLink(id: string, deps: StoreDeps): Promise<ReleaseLink | undefined> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: { key: s(`link#${id}`) } }),
  );
  if (!Item?.pipeline?.S || !Item.executionId?.S) return undefined;
  return { pipeline: Item.pipeline.S, executionId: Item.executionId.S, stage: Item.stage?.S };
}

export async function writeLink(id: string, link: ReleaseLink, deps: StoreDeps): Promise<void> {
  await deps.dynamo.send(
    new PutItemCommand({
      TableName: deps.table,
      Item: {
        key: s(`link#${id}`),
        pipeline: s(link.pipeline),
        executionId: s(link.executionId),
        ...(link.stage ? { stage: s(link.stage) } : {}),
        expiresAt: ttl(deps),
      },
    }),
  );
}

// `release` is one of DynamoDB's reserved words: expressions name it `#release`.

/** A push posted before its release existed: the message that becomes the release's card. */
export interface Seed {
  channel: string;
  ts: string;
  message?: string;
}

const commitKey = (commitId: string) => ({ key: s(`commit#${commitId}`) });

/** The release a pushed commit started, if one has claimed it. */
export async function releaseOfCommit(commitId: string, deps: StoreDeps): Promise<string | undefined> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: commitKey(commitId), ConsistentRead: true }),
  );
  return Item?.release?.S;
}

/** The push side: the right to post the commit's message before any release claims it. */
export async function claimSeed(commitId: string, deps: StoreDeps): Promise<boolean> {
  return updateIf(
    commitKey(commitId),
    {
      UpdateExpression: 'SET pushing = :now, expiresAt = :ttl',
      ConditionExpression: 'attribute_not_exists(#release) AND attribute_not_exists(pushing)',
      ExpressionAttributeNames: { '#release': 'release' },
      ExpressionAttributeValues: { ':now': n((deps.now ?? Date.now)()), ':ttl': ttl(deps) },
    },
    deps,
  );
}

export async function recordSeed(commitId: string, seed: Seed, deps: StoreDeps): Promise<void> {
  await deps.dynamo.send(
    new UpdateItemCommand({
      TableName: deps.table,
      Key: commitKey(commitId),
      UpdateExpression: 'SET seedChannel = :channel, seedTs = :ts, seedMessage = :message',
      ExpressionAttributeValues: {
        ':channel': s(seed.channel),
        ':ts': s(seed.ts),
        ':message': s(seed.message ?? ''),
      },
    }),
  );
}

/**
 * The release side: claims the commit for `release`. Undefined when no push came first; the push's
 * message (once it is posted) when one did, for the release to turn into its card.
 */
export async function claimCommit(
  commitId: string,
  release: string,
  deps: StoreDeps & { deadline: number; sleep: (ms: number) => Promise<void> },
): Promise<Seed | undefined> {
  const claimed = await updateIf(
    commitKey(commitId),
    {
      UpdateExpression: 'SET #release = :release, expiresAt = :ttl',
      ConditionExpression: 'attribute_not_exists(pushing) OR #release = :release',
      ExpressionAttributeNames: { '#release': 'release' },
      ExpressionAttributeValues: { ':release': s(release), ':ttl': ttl(deps) },
    },
    deps,
  );
  if (claimed) return undefined;
  // A push is being posted: its message becomes the card once its ts is known (a few seconds at most).
  const until = Math.min(deps.deadline, Date.now() + 3000);
  while (Date.now() + 100 < until) {
    const { Item } = await deps.dynamo.send(
      new GetItemCommand({ TableName: deps.table, Key: commitKey(commitId), ConsistentRead: true }),
    );
    if (Item?.seedTs?.S && Item.seedChannel?.S) {
      await deps.dynamo.send(
        new UpdateItemCommand({
          TableName: deps.table,
          Key: commitKey(commitId),
          UpdateExpression: 'SET #release = :release',
          ExpressionAttributeNames: { '#release': 'release' },
          ExpressionAttributeValues: { ':release': s(release) },
        }),
      );
      return { channel: Item.seedChannel.S, ts: Item.seedTs.S, message: Item.seedMessage?.S || undefined };
    }
    await deps.sleep(100);
  }
  return undefined;
}
