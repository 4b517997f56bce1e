/**
 * The release history the delivery figures are computed from: one `history#<pipeline>#<execution>`
 * item per run, kept 430 days (a quarter and a year-over-year look), in the series `history` of the
 * ByTime index at the run's first event, so a period is one Query (paged), never a Scan. Each fact
 * is one update that holds in any order and when repeated: first times are kept (`if_not_exists`),
 * the prod stage's last end only over an older one.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { type HistoryFact, type HistoryRecord, historyRecordSchema } from '../metrics/history';
import { expiryOf, jsonOf, n, nowOf, type Plain, querySeries, s, type TableDeps, updateIf } from './table';

export const HISTORY_SERIES = 'history';

/** A run is read with its period when it started at most this long before the period (approvals wait). */
export const HISTORY_LOOKBACK_MS = 14 * 86_400_000;

const idOf = (pipeline: string, executionId: string) => `${pipeline}#${executionId}`;

type Update = { set: string[]; values: Record<string, AttributeValue>; condition?: string };

function updateOf(fact: HistoryFact): Update {
  switch (fact.kind) {
    case 'started':
      return { set: ['startedAt = if_not_exists(startedAt, :t)'], values: { ':t': n(fact.at) } };
    case 'ended':
      return {
        set: ['endedAt = :t', 'outcome = :o'],
        values: { ':t': n(fact.at), ':o': s(fact.outcome) },
        condition: 'attribute_not_exists(endedAt) OR endedAt <= :t',
      };
    case 'prod-started':
      return {
        set: ['prodStartedAt = if_not_exists(prodStartedAt, :t)', 'prodStage = :stage'],
        values: { ':t': n(fact.at), ':stage': s(fact.stage) },
      };
    case 'prod-ended': {
      const set = ['prodEndedAt = :t', 'prodOutcome = :o', 'prodStage = :stage'];
      const values: Record<string, AttributeValue> = {
        ':t': n(fact.at),
        ':o': s(fact.outcome),
        ':stage': s(fact.stage),
      };
      if (fact.revision) {
        set.push('revision = :rev');
        values[':rev'] = s(fact.revision);
      }
      if (fact.commits) {
        set.push('commits = :commits', 'commitsComplete = :complete');
        values[':commits'] = s(JSON.stringify(fact.commits));
        values[':complete'] = { BOOL: fact.commitsComplete ?? false };
      }
      return { set, values, condition: 'attribute_not_exists(prodEndedAt) OR prodEndedAt <= :t' };
    }
    case 'rolled-back':
      return {
        set: [
          'rolledBackAt = if_not_exists(rolledBackAt, :t)',
          ...(fact.by ? ['rolledBackBy = if_not_exists(rolledBackBy, :by)'] : []),
        ],
        values: { ':t': n(fact.at), ...(fact.by ? { ':by': s(fact.by) } : {}) },
      };
    case 'recovered':
      return { set: ['recoveredAt = if_not_exists(recoveredAt, :t)'], values: { ':t': n(fact.at) } };
  }
}

/** Writes one fact of a run; a prod failure also keeps its first time, whatever ends later. */
export async function recordHistory(
  pipeline: string,
  executionId: string,
  fact: HistoryFact,
  deps: TableDeps,
): Promise<void> {
  const write = async ({ set, values, condition }: Update) =>
    updateIf(deps, 'history', idOf(pipeline, executionId), {
      UpdateExpression: `SET ${[
        'pipeline = :pipeline',
        'executionId = :execution',
        'series = :series',
        '#at = if_not_exists(#at, :t)',
        'expiresAt = :ttl',
        ...set,
      ].join(', ')}`,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':pipeline': s(pipeline),
        ':execution': s(executionId),
        ':series': s(HISTORY_SERIES),
        ':ttl': expiryOf('history', nowOf(deps)),
        ...values,
      },
    });
  if (fact.kind === 'prod-ended' && fact.outcome === 'failed')
    await write({ set: ['prodFailedAt = if_not_exists(prodFailedAt, :t)'], values: { ':t': n(fact.at) } });
  await write(updateOf(fact));
}

function recordOf(item: Plain): HistoryRecord | undefined {
  const parsed = v.safeParse(historyRecordSchema, {
    ...item,
    commits: jsonOf(
      v.array(v.object({ id: v.string(), at: v.string() })),
      item.commits as string | undefined,
    ),
  });
  return parsed.success ? parsed.output : undefined;
}

/**
 * Every run of the history whose first event is within [from − lookback, until]: one Query of the
 * ByTime index (paged). The figures pick what ended in their period.
 */
export async function readHistory(deps: TableDeps, from: number, until: number): Promise<HistoryRecord[]> {
  const items = await querySeries(deps, HISTORY_SERIES, until, from - HISTORY_LOOKBACK_MS);
  return items.map(recordOf).filter((r): r is HistoryRecord => r !== undefined);
}
