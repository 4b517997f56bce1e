/**
 * Crash loops must not flood Slack: at most one message per service per window. The first alert
 * of a window is sent; the ones after it only count up (with the kind of the last one). The next
 * alert after the window carries the count ("37 more since 14:02"); if none comes, the scheduled
 * sweep sends one summary. Either way at most one summary per folded run.
 *
 * Storage: one DynamoDB item per service, `flood#<cluster>/<service>`, in Herald's state table
 * (`StateTable` in resources/, TTL one day).
 * When the table cannot be read or written, Herald alerts rather than stays silent.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  type AttributeValue,
  ScanCommand,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import type { FoldedRun } from '../../functions/ecs/model';
import { awsErrorName } from '../aws/clients';
import type { Log } from '../lambda/logger';

const OPEN_WINDOW =
  'SET windowEnd = :end, folded = :zero, expiresAt = :ttl, #region = :region REMOVE foldedSince, lastKind';
const OPEN_WINDOW_CONDITION = 'attribute_not_exists(windowEnd) OR windowEnd <= :now';
const FOLD =
  'SET foldedSince = if_not_exists(foldedSince, :now), lastKind = :kind, expiresAt = :ttl ADD folded :one';
const RESET = 'SET folded = :zero REMOVE foldedSince';
const RESET_CONDITION = 'folded = :seen AND windowEnd = :end';
const DUE = 'folded > :zero AND windowEnd <= :now';

const DAY_SECONDS = 86400;

export interface FloodDeps {
  dynamo: Pick<DynamoDBClient, 'send'>;
  table: string;
  log: Log;
}

interface Admission {
  admitted: boolean;
  /** Alerts folded into the window before this one, and since when. */
  folded: number;
  since?: string;
  storage: 'ok' | 'unavailable';
}

const n = (value: number) => ({ N: String(value) });
const PREFIX = 'flood#';

/** One update of a service's item, on its own conditions. */
function update(deps: FloodDeps, key: string, input: Omit<UpdateItemCommandInput, 'TableName' | 'Key'>) {
  return deps.dynamo.send(
    new UpdateItemCommand({ TableName: deps.table, Key: { key: { S: PREFIX + key } }, ...input }),
  );
}

export async function admit(
  key: string,
  windowMinutes: number,
  kind: string,
  region: string,
  nowMs: number,
  deps: FloodDeps,
): Promise<Admission> {
  if (windowMinutes <= 0) return { admitted: true, folded: 0, storage: 'ok' };
  const ttl = n(Math.floor(nowMs / 1000) + DAY_SECONDS);
  try {
    const opened = await update(deps, key, {
      UpdateExpression: OPEN_WINDOW,
      ConditionExpression: OPEN_WINDOW_CONDITION,
      ExpressionAttributeNames: { '#region': 'region' },
      ExpressionAttributeValues: {
        ':end': n(nowMs + windowMinutes * 60_000),
        ':zero': n(0),
        ':ttl': ttl,
        ':now': n(nowMs),
        ':region': { S: region },
      },
      ReturnValues: 'ALL_OLD',
    });
    const folded = Number(opened.Attributes?.folded?.N ?? 0);
    const since = opened.Attributes?.foldedSince?.N;
    return {
      admitted: true,
      folded,
      since: folded > 0 && since ? new Date(Number(since)).toISOString() : undefined,
      storage: 'ok',
    };
  } catch (error) {
    if (awsErrorName(error) !== 'ConditionalCheckFailedException') return unavailable(error, deps);
  }
  try {
    await update(deps, key, {
      UpdateExpression: FOLD,
      ExpressionAttributeValues: { ':now': n(nowMs), ':kind': { S: kind }, ':ttl': ttl, ':one': n(1) },
    });
    return { admitted: false, folded: 0, storage: 'ok' };
  } catch (error) {
    return unavailable(error, deps);
  }
}

function unavailable(error: unknown, deps: FloodDeps): Admission {
  deps.log.warn('Flood gate unavailable; alerting without it', { error: awsErrorName(error) });
  return { admitted: true, folded: 0, storage: 'unavailable' };
}

/** Folded runs whose window has closed with nobody to report them: claimed once, then reported. */
export async function sweep(nowMs: number, deps: FloodDeps): Promise<FoldedRun[]> {
  const runs: FoldedRun[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await deps.dynamo.send(
      new ScanCommand({
        TableName: deps.table,
        FilterExpression: DUE,
        ExpressionAttributeValues: { ':zero': n(0), ':now': n(nowMs) },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const stored = item.key?.S;
      const key = stored?.startsWith(PREFIX) ? stored.slice(PREFIX.length) : undefined;
      const folded = Number(item.folded?.N ?? 0);
      const end = item.windowEnd?.N;
      if (!key || folded <= 0 || !end) continue;
      try {
        await update(deps, key, {
          UpdateExpression: RESET,
          ConditionExpression: RESET_CONDITION,
          ExpressionAttributeValues: { ':zero': n(0), ':seen': n(folded), ':end': { N: end } },
        });
        runs.push({
          key,
          folded,
          since: item.foldedSince?.N ? new Date(Number(item.foldedSince.N)).toISOString() : undefined,
          lastKind: item.lastKind?.S,
          region: item.region?.S,
        });
      } catch (error) {
        // Someone else reported or reopened it meanwhile: nothing to say twice.
        deps.log.info('Folded run claimed elsewhere', { key, error: awsErrorName(error) });
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return runs;
}
