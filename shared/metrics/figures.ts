/**
 * The delivery figures of a pipeline over a period, from its release history (pure). The DORA
 * metrics, defined for what Herald sees:
 * - a *prod deployment* is a run whose prod stage ended in the period (succeeded or failed); a
 *   failed build, a run stopped before prod or superseded is none; a retried stage is one run, once;
 * - *deployment frequency*: successful prod deployments (ended succeeded, not rolled back) per week;
 * - *lead time for changes*: for every commit a successful prod deployment shipped since the
 *   previous prod revision, from the commit to the end of that deployment; median and 90th percentile;
 * - *change failure rate*: prod deployments that failed (at any attempt) or were rolled back, over all;
 * - *failed deployment recovery time*: from the failure (or the rollback's start) to prod running a
 *   good revision again: the rollback's success, the stage's successful retry, or the next successful
 *   prod deployment, whichever comes first; median.
 * Each figure has its 2024 DORA band (https://dora.dev/research/2024/dora-report/).
 */
import { formatDuration } from '../input/time';
import type { HistoryRecord } from './history';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export interface Period {
  /** Epoch ms, inclusive. */
  from: number;
  /** Epoch ms, exclusive. */
  until: number;
}

export type Band = 'elite' | 'high' | 'medium' | 'low';

export interface Figures {
  pipeline: string;
  period: Period;
  deployments: number;
  successful: number;
  failed: number;
  /** Successful prod deployments per week. */
  perWeek: number;
  leadTime?: { median: number; p90: number; commits: number };
  /** 0…1; undefined without a prod deployment. */
  changeFailureRate?: number;
  recovery?: { median: number; recovered: number };
  /** Failed deployments not recovered by the period's end. */
  unrecovered: number;
  bands: { frequency?: Band; leadTime?: Band; changeFailureRate?: Band; recovery?: Band };
  /** The commit that took longest to reach prod. */
  slowestLead?: { commit: string; executionId: string; ms: number };
  longestRecovery?: { executionId: string; ms: number };
}

const inPeriod = (at: number | undefined, period: Period) =>
  at !== undefined && at >= period.from && at < period.until;

/** The run's prod stage ended: a prod deployment. */
export const isProdDeployment = (r: HistoryRecord) =>
  r.prodEndedAt !== undefined && r.prodOutcome !== undefined;

export const isFailed = (r: HistoryRecord) => r.prodFailedAt !== undefined || r.rolledBackAt !== undefined;

export const isSuccessful = (r: HistoryRecord) =>
  r.prodOutcome === 'succeeded' && r.rolledBackAt === undefined;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

/** When a failed deployment's prod ran a good revision again, if it has by `until`. */
export function recoveredAt(failed: HistoryRecord, runs: HistoryRecord[], until: number): number | undefined {
  const failedAt = Math.min(
    failed.prodFailedAt ?? Number.POSITIVE_INFINITY,
    failed.rolledBackAt ?? Number.POSITIVE_INFINITY,
  );
  const candidates = [
    failed.recoveredAt,
    failed.prodOutcome === 'succeeded' && failed.rolledBackAt === undefined ? failed.prodEndedAt : undefined,
    ...runs.filter((r) => r.executionId !== failed.executionId && isSuccessful(r)).map((r) => r.prodEndedAt),
  ].filter((at): at is number => at !== undefined && at >= failedAt && at < until);
  return candidates.length > 0 ? Math.min(...candidates) : undefined;
}

export function frequencyBand(perWeek: number): Band {
  if (perWeek >= 7) return 'elite'; // on demand: daily or more
  if (perWeek >= 1) return 'high'; // between once a day and once a week
  if (perWeek >= 12 / 52) return 'medium'; // between once a week and once a month
  return 'low';
}

export function leadTimeBand(ms: number): Band {
  if (ms < DAY) return 'elite';
  if (ms < WEEK) return 'high';
  if (ms < 30 * DAY) return 'medium';
  return 'low';
}

/**
 * 2024's clusters: elite 5 %, high 20 %, medium 10 %, low 40 %. Medium's rate is below high's (the
 * report's medium trades speed for stability), so a rate is not ordered into medium: ≤ 5 % elite,
 * ≤ 20 % high, above that low.
 */
export function changeFailureBand(rate: number): Band {
  if (rate <= 0.05) return 'elite';
  if (rate <= 0.2) return 'high';
  return 'low';
}

/** 2024's clusters: elite < 1 hour, high and medium < 1 day, low 1 week to 1 month. */
export function recoveryBand(ms: number): Band {
  if (ms < HOUR) return 'elite';
  if (ms < DAY) return 'high';
  return 'low';
}

/** A pipeline's figures over `period` from its runs (any period's; only the pipeline's are used). */
export function figuresOf(pipeline: string, history: HistoryRecord[], period: Period): Figures {
  const runs = history.filter((r) => r.pipeline === pipeline);
  const deployments = runs.filter((r) => isProdDeployment(r) && inPeriod(r.prodEndedAt, period));
  const successful = deployments.filter(isSuccessful);
  const failed = deployments.filter(isFailed);
  const weeks = (period.until - period.from) / WEEK;
  const perWeek = weeks > 0 ? successful.length / weeks : 0;

  const leads = successful
    .flatMap((r) =>
      (r.commits ?? []).map((c) => ({
        commit: c.id,
        executionId: r.executionId,
        ms: Math.max(0, (r.prodEndedAt ?? 0) - Date.parse(c.at)),
      })),
    )
    .filter((l) => Number.isFinite(l.ms));
  const leadValues = leads.map((l) => l.ms).sort((a, b) => a - b);

  const recoveries = failed.flatMap((r) => {
    const at = recoveredAt(r, runs, period.until);
    const failedAt = Math.min(
      r.prodFailedAt ?? Number.POSITIVE_INFINITY,
      r.rolledBackAt ?? Number.POSITIVE_INFINITY,
    );
    return at === undefined ? [] : [{ executionId: r.executionId, ms: at - failedAt }];
  });

  const figures: Figures = {
    pipeline,
    period,
    deployments: deployments.length,
    successful: successful.length,
    failed: failed.length,
    perWeek,
    unrecovered: failed.length - recoveries.length,
    bands: {},
  };
  if (deployments.length > 0 || successful.length > 0) figures.bands.frequency = frequencyBand(perWeek);
  if (leadValues.length > 0) {
    figures.leadTime = {
      median: percentile(leadValues, 50),
      p90: percentile(leadValues, 90),
      commits: leadValues.length,
    };
    figures.bands.leadTime = leadTimeBand(figures.leadTime.median);
    figures.slowestLead = leads.reduce((a, b) => (b.ms > a.ms ? b : a));
  }
  if (deployments.length > 0) {
    figures.changeFailureRate = failed.length / deployments.length;
    figures.bands.changeFailureRate = changeFailureBand(figures.changeFailureRate);
  }
  if (recoveries.length > 0) {
    figures.recovery = { median: median(recoveries.map((r) => r.ms)), recovered: recoveries.length };
    figures.bands.recovery = recoveryBand(figures.recovery.median);
    figures.longestRecovery = recoveries.reduce((a, b) => (b.ms > a.ms ? b : a));
  }
  return figures;
}

/** Successful prod deployments per week for `weeks` weeks ending at `until`, oldest first. */
export function weeklyDeployments(
  pipeline: string,
  history: HistoryRecord[],
  until: number,
  weeks = 8,
): number[] {
  return Array.from({ length: weeks }, (_, i) => {
    const period = { from: until - (weeks - i) * WEEK, until: until - (weeks - i - 1) * WEEK };
    return history.filter(
      (r) =>
        r.pipeline === pipeline && isProdDeployment(r) && isSuccessful(r) && inPeriod(r.prodEndedAt, period),
    ).length;
  });
}

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** `▁▃▅█`: each count as a block, the highest full; a week without any is the lowest. */
export function sparkline(counts: number[]): string {
  const max = Math.max(0, ...counts);
  return counts
    .map((c) => (c <= 0 || max === 0 ? BLOCKS[0] : BLOCKS[Math.max(1, Math.round((c / max) * 7))]))
    .join('');
}

/** `33 %`: a rate as a whole percentage. */
export const formatPercent = (rate: number) => `${Math.round(rate * 100)} %`;

/** `45 min`, `3 h 10 min`, `2 d 4 h`: a span as people say it (no seconds past a minute). */
export function formatSpan(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return 'unknown';
  // Under two days: a duration, to the minute past the first one.
  if (ms < 2 * DAY) return formatDuration(ms < 60_000 ? ms : Math.round(ms / 60_000) * 60_000);
  const hours = Math.round(ms / HOUR);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h > 0 ? `${d} d ${h} h` : `${d} d`;
}

/** The pipelines that have a run in the history, sorted. */
export const pipelinesOf = (history: HistoryRecord[]) => [...new Set(history.map((r) => r.pipeline))].sort();
