/**
 * Herald's state table (`HERALD_STATE_TABLE`, one per stage): one DynamoDB table, many kinds of
 * item. Every kind is declared here, once: its key, who writes and who reads it, how long it is
 * kept and what it is for. Items are written through one conditional-update helper and read back
 * through a schema, so an item of an older shape or a damaged one reads as absent instead of
 * crashing a handler. No Scan: every read is by key, or by the `ByTime` index (a sparse index of
 * the items that carry a `series` and a time `at`).
 */
import {
  type AttributeValue,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { awsErrorName } from '../aws/clients';

const DAY = 86_400;

/**
 * Every kind of item in the table: its key prefix and how long it is kept (`keep`, in seconds
 * from the write, or from `expiresAt` given); what it is, who writes it and who reads it, in its
 * comment (documentation only: the bundles carry no prose).
 */
export const ITEMS = {
  /**
   * The delivery log: each notice reaches each destination once across retries and duplicates.
   * Written by every notifier (flow/notify: claim → post → record); read by every notifier (the
   * conditional claim).
   */
  sent: { prefix: 'sent#', keep: DAY },
  /**
   * Crash-loop folding: the open window per service and what was folded into it. Written by ecs
   * (each alert; the sweep); read by ecs (each alert; the sweep, through the ByTime index).
   */
  flood: { prefix: 'flood#', keep: DAY },
  /**
   * The release card: the steps its events appended (over the state they were last folded into),
   * its version, channel and ts, and the leases to post and push it. Written by every notifier in
   * app mode; slackActions after a decision; read by the same.
   */
  release: { prefix: 'release#', keep: 21 * DAY },
  /**
   * A build, deployment or task definition → its pipeline execution. Written by codebuild,
   * codedeploy (correlation); read by codebuild, codedeploy, ecs, slackActions.
   */
  link: { prefix: 'link#', keep: 21 * DAY },
  /**
   * A pushed commit: the push message posted before its release, and the release that took it.
   * Written by codecommit (the push), the release that ships the commit; read by the same.
   */
  commit: { prefix: 'commit#', keep: 21 * DAY },
  /**
   * The prod bake window of a service: which deployment, which revisions, until when. Written by
   * codedeploy (a traffic shift that keeps the original task set); read by ecs (alerts of the new
   * revision).
   */
  bake: { prefix: 'bake#', keep: DAY },
  /**
   * The one decision taken from Slack about a deployment. Written by slackActions (Roll back /
   * Finish now); read by slackActions, codedeploy (the follow-up messages).
   */
  decision: { prefix: 'decision#', keep: DAY },
  /**
   * A pipeline's structure at a version: its stages, each action's project or deployment group.
   * Written by codepipeline (an event of a version not known yet); codebuild, codedeploy
   * (discovery); read by every notifier in app mode (the card lists every stage), codebuild,
   * codedeploy.
   */
  pipeline: { prefix: 'pipeline#', keep: 90 * DAY },
  /**
   * A build project or deployment group → the pipeline and stage that run it. Written with each
   * pipeline structure (one item per build project or deployment group it runs); read by
   * codebuild, codedeploy (through the ByTime index: which pipelines run this project or group).
   */
  runner: { prefix: 'runner#', keep: 90 * DAY },
  /**
   * Where an offer was posted in a release thread, and what it said. Written by a reply in a
   * release thread that offers buttons (the approval request, the traffic shift); read by the
   * event that settles its step (it takes the buttons away and says how it ended).
   */
  reply: { prefix: 'reply#', keep: 21 * DAY },
  /**
   * What a release ships since prod: its commits, files changed, delivery files. Written by
   * approvalRequest (once per release: the walk of its commits since prod); read by
   * approvalRequest (a request redelivered, or asked again).
   */
  ships: { prefix: 'ships#', keep: 21 * DAY },
  /**
   * A pipeline's prod: the revision its last release put there, and its last failure. Written by
   * codepipeline (a prod stage's outcome), codedeploy (a rollback of prod); read by
   * approvalRequest (what runs in prod; the last failure, a risk signal).
   */
  prod: { prefix: 'prod#', keep: 400 * DAY },
  /**
   * One release for the delivery figures: when it ran, what it shipped, how prod went, its
   * rollback. Written by codepipeline (a run's start and end, its prod stage's outcome, what it
   * shipped), codedeploy (a rollback of prod); read by metrics (the weekly digest, through the
   * ByTime index), npm run metrics.
   */
  history: { prefix: 'history#', keep: 430 * DAY },
  /**
   * A message waiting for its release: where it is and what it says. Written by a notice posted on
   * its own because its release was not known yet; read by the invocation that links its release
   * (it moves the message into the thread).
   */
  orphan: { prefix: 'orphan#', keep: DAY },
} as const;

export type ItemKind = keyof typeof ITEMS;

export interface TableDeps {
  dynamo: Pick<DynamoDBClient, 'send'>;
  table: string;
  now?: () => number;
}

/** The index of items that belong to a series in time (open flood windows, release history). */
export const BY_TIME_INDEX = 'ByTime';

export const s = (value: string): AttributeValue => ({ S: value });
export const n = (value: number): AttributeValue => ({ N: String(value) });

export function keyOf(kind: ItemKind, id: string): Record<string, AttributeValue> {
  return { key: s(`${ITEMS[kind].prefix}${id}`) };
}

/** The id of a stored key of `kind`, or undefined for a key of another kind. */
export function idOf(kind: ItemKind, key: string | undefined): string | undefined {
  const prefix = ITEMS[kind].prefix;
  return key?.startsWith(prefix) ? key.slice(prefix.length) : undefined;
}

/** The TTL attribute (epoch seconds) of an item of `kind` written at `fromMs`. */
export function expiryOf(kind: ItemKind, fromMs: number): AttributeValue {
  return n(Math.floor(fromMs / 1000) + ITEMS[kind].keep);
}

export function nowOf(deps: TableDeps): number {
  return (deps.now ?? Date.now)();
}

export function isConflict(error: unknown): boolean {
  return awsErrorName(error) === 'ConditionalCheckFailedException';
}

/** A plain object of a stored item's top-level strings and numbers (what Herald stores). */
export type Plain = Record<string, string | number | boolean>;

export function plainOf(item: Record<string, AttributeValue> | undefined): Plain | undefined {
  if (!item) return undefined;
  const plain: Plain = {};
  for (const [name, value] of Object.entries(item)) {
    if (value.S !== undefined) plain[name] = value.S;
    else if (value.N !== undefined) plain[name] = Number(value.N);
    else if (value.BOOL !== undefined) plain[name] = value.BOOL;
  }
  return plain;
}

/** An update of one item, as its caller writes it (the table, key and answer are the helpers'). */
type UpdateInput = Omit<UpdateItemCommandInput, 'TableName' | 'Key' | 'ReturnValues'>;

/**
 * One update of one item, on its own condition: the item's attributes before (`ALL_OLD`) when
 * written, `false` when the condition did not hold. Any other failure is thrown.
 */
export async function updateIf(
  deps: TableDeps,
  kind: ItemKind,
  id: string,
  input: UpdateInput,
): Promise<Plain | false> {
  const before = await updateReturning(deps, kind, id, input, 'ALL_OLD');
  return before && (plainOf(before) ?? {});
}

/** Deletes one item on its condition: false when the condition did not hold. */
export async function removeIf(
  deps: TableDeps,
  kind: ItemKind,
  id: string,
  input: Omit<DeleteItemCommandInput, 'TableName' | 'Key'>,
): Promise<boolean> {
  return unlessConflict(async () => {
    await deps.dynamo.send(new DeleteItemCommand({ TableName: deps.table, Key: keyOf(kind, id), ...input }));
    return true;
  });
}

/**
 * One update of one item, on its own condition, answering with the item as it left it (`ALL_NEW`,
 * lists included) or as it was (`ALL_OLD`): `false` when the condition did not hold.
 */
export async function updateReturning(
  deps: TableDeps,
  kind: ItemKind,
  id: string,
  input: UpdateInput,
  returnValues: 'ALL_NEW' | 'ALL_OLD' = 'ALL_NEW',
): Promise<Record<string, AttributeValue> | false> {
  return unlessConflict(async () => {
    const { Attributes } = await deps.dynamo.send(
      new UpdateItemCommand({
        TableName: deps.table,
        Key: keyOf(kind, id),
        ReturnValues: returnValues,
        ...input,
      }),
    );
    return Attributes ?? {};
  });
}

/** A conditional write's answer, or `false` when its condition did not hold (any other failure is thrown). */
async function unlessConflict<T>(write: () => Promise<T>): Promise<T | false> {
  try {
    return await write();
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

/** An item's attributes as stored (lists included): undefined when absent. */
export async function readAttributes(
  deps: TableDeps,
  kind: ItemKind,
  id: string,
  options: { consistent?: boolean } = {},
): Promise<Record<string, AttributeValue> | undefined> {
  const { Item } = await deps.dynamo.send(
    new GetItemCommand({ TableName: deps.table, Key: keyOf(kind, id), ConsistentRead: options.consistent }),
  );
  return Item;
}

/** An item read back through its schema: undefined when absent or not of that shape. */
export async function readItem<T>(
  deps: TableDeps,
  kind: ItemKind,
  id: string,
  schema: v.GenericSchema<unknown, T>,
  options: { consistent?: boolean } = {},
): Promise<T | undefined> {
  const plain = plainOf(await readAttributes(deps, kind, id, options));
  if (!plain) return undefined;
  const parsed = v.safeParse(schema, plain);
  return parsed.success ? parsed.output : undefined;
}

/** A JSON attribute read back through its schema: undefined when not JSON of that shape. */
export function jsonOf<T>(schema: v.GenericSchema<unknown, T>, text: string | undefined): T | undefined {
  if (!text) return undefined;
  try {
    const parsed = v.safeParse(schema, JSON.parse(text));
    return parsed.success ? parsed.output : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The items of a series whose time `at` is at most `until`, and at least `from` when given (the
 * ByTime index; eventually consistent).
 */
export async function querySeries(
  deps: TableDeps,
  series: string,
  until: number,
  from?: number,
): Promise<Plain[]> {
  const items: Plain[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await deps.dynamo.send(
      new QueryCommand({
        TableName: deps.table,
        IndexName: BY_TIME_INDEX,
        KeyConditionExpression:
          from === undefined
            ? 'series = :series AND #at <= :until'
            : 'series = :series AND #at BETWEEN :from AND :until',
        ExpressionAttributeNames: { '#at': 'at' },
        ExpressionAttributeValues: {
          ':series': s(series),
          ':until': n(until),
          ...(from === undefined ? {} : { ':from': n(from) }),
        },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const plain = plainOf(item);
      if (plain) items.push(plain);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}
