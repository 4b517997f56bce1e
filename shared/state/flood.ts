/**
 * Crash loops must not flood Slack: at most one message per service per window. The first alert
 * of a window is sent; the ones after it only count up (with the kind of the last one). The next
 * alert after the window carries the count ("37 more since 14:02"); if none comes, the scheduled
 * sweep sends one summary. Either way at most one summary per folded run.
 *
 * Storage: one item per service, `flood#<cluster>/<service>` (TTL a day). A window with folded
 * alerts joins the series `flood` of the ByTime index at its end, so the sweep finds the runs to
 * report with one Query, whatever else the table holds; reporting or reopening takes it out.
 * When the table cannot be read or written, Herald alerts rather than stays silent.
 */
import { awsErrorName } from '../aws/clients';
import type { Log } from '../lambda/logger';
import { expiryOf, idOf, n, querySeries, s, type TableDeps, updateIf } from './table';

const SERIES = 'flood';

const OPEN_WINDOW =
  'SET windowEnd = :end, folded = :zero, expiresAt = :ttl, #region = :region REMOVE foldedSince, lastKind, series, #at';
const OPEN_WINDOW_CONDITION = 'attribute_not_exists(windowEnd) OR windowEnd <= :now';
const FOLD =
  'SET foldedSince = if_not_exists(foldedSince, :now), lastKind = :kind, expiresAt = :ttl, series = :series, #at = windowEnd ADD folded :one';
const FOLD_CONDITION = 'windowEnd > :now';
const RESET = 'SET folded = :zero REMOVE foldedSince, series, #at';
const RESET_CONDITION = 'folded = :seen AND windowEnd = :end';

export interface FloodDeps extends TableDeps {
  log: Log;
}

export interface Admission {
  admitted: boolean;
  /** Alerts folded into the window before this one, and since when. */
  folded: number;
  since?: string;
  storage: 'ok' | 'unavailable';
}

/** A folded run whose window closed with no later alert to carry its count: the sweep reports it. */
export interface FoldedRun {
  /** `cluster/service`. */
  key: string;
  folded: number;
  since?: string;
  lastKind?: string;
  region?: string;
}

const isoOf = (ms: number | string | boolean | undefined) =>
  typeof ms === 'number' ? new Date(ms).toISOString() : undefined;

export async function admit(
  key: string,
  windowMinutes: number,
  kind: string,
  region: string,
  nowMs: number,
  deps: FloodDeps,
  attempt = 0,
): Promise<Admission> {
  if (windowMinutes <= 0 || attempt > 2) return { admitted: true, folded: 0, storage: 'ok' };
  const ttl = expiryOf('flood', nowMs);
  try {
    const opened = await updateIf(deps, 'flood', key, {
      UpdateExpression: OPEN_WINDOW,
      ConditionExpression: OPEN_WINDOW_CONDITION,
      ExpressionAttributeNames: { '#region': 'region', '#at': 'at' },
      ExpressionAttributeValues: {
        ':end': n(nowMs + windowMinutes * 60_000),
        ':zero': n(0),
        ':ttl': ttl,
        ':now': n(nowMs),
        ':region': s(region),
      },
    });
    if (opened) {
      const folded = typeof opened.folded === 'number' ? opened.folded : 0;
      return {
        admitted: true,
        folded,
        since: folded > 0 ? isoOf(opened.foldedSince) : undefined,
        storage: 'ok',
      };
    }
    const counted = await updateIf(deps, 'flood', key, {
      UpdateExpression: FOLD,
      ConditionExpression: FOLD_CONDITION,
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':now': n(nowMs),
        ':kind': s(kind),
        ':ttl': ttl,
        ':one': n(1),
        ':series': s(SERIES),
      },
    });
    // The window closed between the two writes: this alert opens the next one.
    if (!counted) return admit(key, windowMinutes, kind, region, nowMs, deps, attempt + 1);
    return { admitted: false, folded: 0, storage: 'ok' };
  } catch (error) {
    deps.log.warn('Flood gate unavailable; alerting without it', { error: awsErrorName(error) });
    return { admitted: true, folded: 0, storage: 'unavailable' };
  }
}

/** Folded runs whose window has closed with nobody to report them: claimed once, then reported. */
export async function sweep(nowMs: number, deps: FloodDeps): Promise<FoldedRun[]> {
  const runs: FoldedRun[] = [];
  for (const item of await querySeries(deps, SERIES, nowMs)) {
    const key = idOf('flood', String(item.key));
    const { folded, windowEnd } = item;
    if (!key || typeof folded !== 'number' || folded <= 0 || typeof windowEnd !== 'number') continue;
    const claimed = await updateIf(deps, 'flood', key, {
      UpdateExpression: RESET,
      ConditionExpression: RESET_CONDITION,
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':zero': n(0), ':seen': n(folded), ':end': n(windowEnd) },
    }).catch((error: unknown) => {
      deps.log.warn('Could not claim a folded run; the next sweep tries again', {
        key,
        error: awsErrorName(error),
      });
      return false as const;
    });
    // Someone else reported or reopened it meanwhile: nothing to say twice.
    if (!claimed) continue;
    runs.push({
      key,
      folded,
      since: isoOf(item.foldedSince),
      lastKind: typeof item.lastKind === 'string' ? item.lastKind : undefined,
      region: typeof item.region === 'string' ? item.region : undefined,
    });
  }
  return runs;
}
