/**
 * The delivery figures of a whole history as a report (pure): per pipeline, one row per week
 * (Monday 00:00 UTC to the next, the last one cut at `until`) and one row for the whole period with
 * its 2024 DORA bands; as a text table for people, CSV for spreadsheets, JSON for scripts. Times in
 * CSV and JSON are hours (two decimals), rates 0…1; an empty cell is a figure with nothing to
 * measure (no successful deployment: no lead time), never a zero.
 */
import {
  type Figures,
  figuresOf,
  formatPercent,
  formatSpan,
  HOUR,
  type Period,
  pipelinesOf,
  WEEK,
} from '../../shared/metrics/figures';
import type { HistoryRecord } from '../../shared/metrics/history';
import { textTable } from '../lib/table';

export interface ReportRow {
  pipeline: string;
  /** `2026-11-16` (the week's Monday) or `total`. */
  week: string;
  from: string;
  until: string;
  deployments: number;
  successful: number;
  failed: number;
  perWeek: number;
  leadTimeMedianHours?: number;
  leadTimeP90Hours?: number;
  commits: number;
  changeFailureRate?: number;
  recoveryMedianHours?: number;
  recovered: number;
  unrecovered: number;
  frequencyBand?: string;
  leadTimeBand?: string;
  changeFailureRateBand?: string;
  recoveryBand?: string;
}

/** Monday 00:00 UTC of the week holding `at`. */
export function weekStart(at: number): number {
  const day = new Date(at);
  const midnight = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
  return midnight - ((day.getUTCDay() + 6) % 7) * 86_400_000;
}

/** The weeks of [from, until): the first starts on the Monday of `from`, the last ends at `until`. */
export function weeksOf(from: number, until: number): Period[] {
  const weeks: Period[] = [];
  for (let start = weekStart(from); start < until; start += WEEK)
    weeks.push({ from: start, until: Math.min(start + WEEK, until) });
  return weeks;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const hours = (ms: number | undefined) =>
  ms === undefined ? undefined : Math.round((ms / HOUR) * 100) / 100;
const rate = (r: number | undefined) => (r === undefined ? undefined : Math.round(r * 1000) / 1000);

function rowOf(figures: Figures, week: string): ReportRow {
  return {
    pipeline: figures.pipeline,
    week,
    from: new Date(figures.period.from).toISOString(),
    until: new Date(figures.period.until).toISOString(),
    deployments: figures.deployments,
    successful: figures.successful,
    failed: figures.failed,
    perWeek: Math.round(figures.perWeek * 100) / 100,
    leadTimeMedianHours: hours(figures.leadTime?.median),
    leadTimeP90Hours: hours(figures.leadTime?.p90),
    commits: figures.leadTime?.commits ?? 0,
    changeFailureRate: rate(figures.changeFailureRate),
    recoveryMedianHours: hours(figures.recovery?.median),
    recovered: figures.recovery?.recovered ?? 0,
    unrecovered: figures.unrecovered,
    ...(week === 'total'
      ? {
          frequencyBand: figures.bands.frequency,
          leadTimeBand: figures.bands.leadTime,
          changeFailureRateBand: figures.bands.changeFailureRate,
          recoveryBand: figures.bands.recovery,
        }
      : {}),
  };
}

export interface Report {
  period: Period;
  pipelines: Array<{ pipeline: string; weeks: Figures[]; total: Figures }>;
}

/**
 * The report of [from, until) for the pipelines in `history` (or only `only`, when given). The
 * whole period starts on the Monday of `from`, so that its weeks and its total count the same runs.
 */
export function reportOf(history: HistoryRecord[], from: number, until: number, only?: string[]): Report {
  const weeks = weeksOf(from, until);
  const period = { from: weeks[0]?.from ?? from, until };
  const pipelines = pipelinesOf(history).filter((p) => !only || only.length === 0 || only.includes(p));
  return {
    period,
    pipelines: pipelines.map((pipeline) => ({
      pipeline,
      weeks: weeks.map((week) => figuresOf(pipeline, history, week)),
      total: figuresOf(pipeline, history, period),
    })),
  };
}

export function rowsOf(report: Report): ReportRow[] {
  return report.pipelines.flatMap(({ weeks, total }) => [
    ...weeks.map((w) => rowOf(w, isoDay(w.period.from))),
    rowOf(total, 'total'),
  ]);
}

const COLUMNS: Array<keyof ReportRow> = [
  'pipeline',
  'week',
  'from',
  'until',
  'deployments',
  'successful',
  'failed',
  'perWeek',
  'leadTimeMedianHours',
  'leadTimeP90Hours',
  'commits',
  'changeFailureRate',
  'recoveryMedianHours',
  'recovered',
  'unrecovered',
  'frequencyBand',
  'leadTimeBand',
  'changeFailureRateBand',
  'recoveryBand',
];

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
const csvCell = (value: unknown) => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

export function toCsv(rows: ReportRow[]): string {
  return [COLUMNS.join(','), ...rows.map((row) => COLUMNS.map((c) => csvCell(row[c])).join(','))].join('\n');
}

export function toJson(report: Report): string {
  return JSON.stringify(
    {
      from: new Date(report.period.from).toISOString(),
      until: new Date(report.period.until).toISOString(),
      rows: rowsOf(report),
    },
    null,
    2,
  );
}

const span = (ms: number | undefined) => (ms === undefined ? '–' : formatSpan(ms));
const percent = (r: number | undefined) => (r === undefined ? '–' : formatPercent(r));

/** The report for a terminal: a table per pipeline, its total with the bands, then a blank line. */
export function toText(report: Report, source: string): string {
  const out = [
    `Herald delivery metrics · ${source} · ${isoDay(report.period.from)} – ${isoDay(report.period.until)} (UTC)`,
    'Lead time and recovery are medians; a failed deployment counts in its week, its recovery when it happened.',
    '',
  ];
  if (report.pipelines.length === 0) {
    out.push('No release in this period: the history starts when Herald first sees a pipeline run.');
    return out.join('\n');
  }
  for (const { pipeline, weeks, total } of report.pipelines) {
    out.push(pipeline);
    const cells = (f: Figures, label: string) => [
      label,
      String(f.deployments),
      String(f.successful),
      String(f.failed),
      span(f.leadTime?.median),
      span(f.leadTime?.p90),
      percent(f.changeFailureRate),
      span(f.recovery?.median),
    ];
    out.push(
      ...textTable(
        [
          'week of',
          'prod deploys',
          'successful',
          'failed',
          'lead time',
          'lead p90',
          'failure rate',
          'recovery',
        ],
        [...weeks.map((w) => cells(w, isoDay(w.period.from))), cells(total, 'total')],
      ).map((line) => `  ${line}`),
    );
    const bands = [
      total.bands.frequency && `frequency ${total.perWeek.toFixed(1)} a week: ${total.bands.frequency}`,
      total.bands.leadTime && `lead time: ${total.bands.leadTime}`,
      total.bands.changeFailureRate && `failure rate: ${total.bands.changeFailureRate}`,
      total.bands.recovery && `recovery: ${total.bands.recovery}`,
      total.unrecovered > 0 && `${total.unrecovered} not recovered by ${isoDay(report.period.until)}`,
    ].filter(Boolean);
    out.push(`  2024 DORA bands: ${bands.length > 0 ? bands.join(' · ') : 'no prod deployment'}`, '');
  }
  return out.join('\n').trimEnd();
}
