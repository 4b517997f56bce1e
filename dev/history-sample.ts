/**
 * Writes events/metrics/weekly.state.json: the release history the digest sample starts from, eight
 * weeks of two services before Monday 23 November 2026 09:00 UTC (the sample's schedule): releases
 * most days, failed builds and a superseded run that never reach prod, an automatic rollback, a
 * rollback from Slack, a retried prod stage, a week without any release, and the week's two
 * releases of events/releases/ (the happy path, and the prod deployment CodeDeploy rolled back).
 * Deterministic; run `npx tsx dev/history-sample.ts` after changing it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryRecord } from '../shared/metrics/history';

const DIGEST_AT = Date.parse('2026-11-23T09:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let seed = 20261123;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

function release(pipeline: string, prodEnd: number, extra: Partial<HistoryRecord> = {}): HistoryRecord {
  const commits = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, i) => ({
    id: hex(40),
    at: new Date(prodEnd - (2 + i * 3 + random() * 20) * HOUR).toISOString(),
  }));
  const startedAt = prodEnd - 3 * HOUR;
  return {
    pipeline,
    executionId: `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`,
    at: startedAt,
    startedAt,
    endedAt: prodEnd,
    outcome: 'succeeded',
    prodStage: 'Deploy-prod',
    prodStartedAt: prodEnd - 95 * 60_000,
    prodEndedAt: prodEnd,
    prodOutcome: 'succeeded',
    revision: commits[0]?.id,
    commits,
    commitsComplete: true,
    ...extra,
  };
}

/** A prod deployment that failed and was rolled back, `minutes` later good again. */
function rolledBack(pipeline: string, failedAt: number, by: string, minutes: number): HistoryRecord {
  return release(pipeline, failedAt, {
    outcome: 'failed',
    prodOutcome: 'failed',
    prodFailedAt: failedAt,
    rolledBackAt: failedAt,
    rolledBackBy: by,
    recoveredAt: failedAt + minutes * 60_000,
  });
}

function neverInProd(pipeline: string, at: number, outcome: 'failed' | 'superseded'): HistoryRecord {
  return {
    pipeline,
    executionId: `${hex(8)}-${hex(4)}-4${hex(3)}-${hex(4)}-${hex(12)}`,
    at,
    startedAt: at,
    endedAt: at + 6 * 60_000,
    outcome,
  };
}

const shop = 'herald-stage-pipeline';
const search = 'search-pipeline';
const history: HistoryRecord[] = [];
for (let week = 8; week >= 1; week--) {
  const monday = DIGEST_AT - week * 7 * DAY;
  // shop: two to four releases a week, on weekdays in the afternoon.
  const count = 2 + Math.floor(random() * 3);
  for (let i = 0; i < count; i++) history.push(release(shop, monday + (i + 0.3) * DAY + 6 * HOUR));
  history.push(neverInProd(shop, monday + 1.2 * DAY, 'failed'));
  // search: one or two a week, and none in the week of 26 October.
  if (week !== 4)
    for (let i = 0; i < 1 + (week % 2); i++)
      history.push(release(search, monday + (i * 2 + 1) * DAY + 5 * HOUR));
}
// Three weeks ago: CodeDeploy rolled shop back; last week a superseded run and a retried stage.
history.push(rolledBack(shop, DIGEST_AT - 17 * DAY, 'CodeDeploy (automatic rollback)', 7));
history.push(neverInProd(search, DIGEST_AT - 5 * DAY, 'superseded'));
history.push(
  release(search, DIGEST_AT - 4 * DAY + 2 * HOUR, { prodFailedAt: DIGEST_AT - 4 * DAY + 1.5 * HOUR }),
);
// The week's releases of events/releases/: the happy path, and the one CodeDeploy rolled back.
history.push(
  release(shop, Date.parse('2026-11-20T16:18:00Z'), { executionId: '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f' }),
  {
    ...rolledBack(shop, Date.parse('2026-11-20T14:46:00Z'), 'CodeDeploy (automatic rollback)', 3),
    executionId: '7f8e9d0c-1b2a-4c3d-9e4f-5a6b7c8d9e0f',
  },
  rolledBack(shop, Date.parse('2026-11-18T15:05:00Z'), 'Li Wei', 4),
);

/** As the state table keeps it (DynamoDB's JSON). */
function item(r: HistoryRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {
    key: { S: `history#${r.pipeline}#${r.executionId}` },
    series: { S: 'history' },
    expiresAt: { N: String(Math.floor(DIGEST_AT / 1000) + 430 * 86_400) },
  };
  for (const [name, value] of Object.entries(r)) {
    if (value === undefined) continue;
    if (name === 'commits') out[name] = { S: JSON.stringify(value) };
    else if (typeof value === 'number') out[name] = { N: String(value) };
    else if (typeof value === 'boolean') out[name] = { BOOL: value };
    else out[name] = { S: String(value) };
  }
  return out;
}

const file = join(__dirname, '..', 'events', 'metrics', 'weekly.state.json');
writeFileSync(file, `${JSON.stringify(history.map(item), null, 2)}\n`);
console.log(`Wrote ${history.length} runs to ${file}`);
