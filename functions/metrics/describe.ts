/**
 * The weekly digest of a channel (pure): each pipeline its routes take, with its delivery figures
 * for the week, the week before for the trend, the last 8 weeks as a sparkline, its 2024 DORA band,
 * and what stood out (the slowest change to reach prod, the longest recovery). Ten pipelines to a
 * message, so 50 pipelines stay within Slack's limits; a channel with nothing to say gets nothing.
 */
import { codePipelineExecutionUrl, codePipelineUrl } from '../../shared/aws/console-links';
import {
  type Band,
  type Figures,
  figuresOf,
  formatPercent,
  formatSpan,
  type Period,
  sparkline,
  WEEK,
  weeklyDeployments,
} from '../../shared/metrics/figures';
import type { HistoryRecord } from '../../shared/metrics/history';
import type { Detail, ListItem, Notice } from '../../shared/notice/notice';

export const PIPELINES_PER_MESSAGE = 10;
export const SPARK_WEEKS = 8;

export interface DigestInput {
  /** The digest's moment: its week is the 7 days before. */
  at: number;
  pipelines: string[];
  history: HistoryRecord[];
  region: string;
}

const band = (b: Band | undefined) => (b ? ` · ${b}` : '');
const day = (ms: number) =>
  new Date(ms).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });

function frequencyLine(now: Figures, before: Figures): string {
  const rate =
    now.perWeek >= 7 ? `${(now.perWeek / 7).toFixed(1)} a day` : `${now.perWeek.toFixed(1)} a week`;
  const failed = now.failed > 0 ? `, ${now.failed} failed` : '';
  return `Deployments: ${now.successful} successful to prod${failed} (${rate}; the week before ${before.successful})${band(now.bands.frequency)}`;
}

function leadLine(now: Figures, before: Figures): string {
  if (!now.leadTime) return 'Lead time: no change reached prod';
  const { median, p90, commits } = now.leadTime;
  const was = before.leadTime ? `; the week before ${formatSpan(before.leadTime.median)}` : '';
  return `Lead time: median ${formatSpan(median)}, 90 % within ${formatSpan(p90)} (${commits} commit${commits === 1 ? '' : 's'}${was})${band(now.bands.leadTime)}`;
}

function failureLine(now: Figures, before: Figures): string {
  if (now.changeFailureRate === undefined) return 'Change failure rate: no prod deployment';
  const was =
    before.changeFailureRate === undefined
      ? ''
      : `; the week before ${formatPercent(before.changeFailureRate)}`;
  return `Change failure rate: ${formatPercent(now.changeFailureRate)} (${now.failed} of ${now.deployments}${was})${band(now.bands.changeFailureRate)}`;
}

function recoveryLine(now: Figures): string | undefined {
  if (now.failed === 0) return undefined;
  const open = now.unrecovered > 0 ? `${now.unrecovered} not recovered yet` : '';
  if (!now.recovery) return `Recovery: ${open}`;
  const recovered = `${now.recovery.recovered} recovered${open ? `, ${open}` : ''}`;
  return `Recovery: median ${formatSpan(now.recovery.median)} (${recovered})${band(now.bands.recovery)}`;
}

/** A pipeline's part of the digest, or nothing when it had no run in the last 8 weeks. */
function pipelineDetail(
  pipeline: string,
  input: DigestInput,
  week: Period,
): { detail: Detail; figures: Figures } | undefined {
  const weekly = weeklyDeployments(pipeline, input.history, week.until, SPARK_WEEKS);
  const now = figuresOf(pipeline, input.history, week);
  if (weekly.every((n) => n === 0) && now.deployments === 0) return undefined;
  const before = figuresOf(pipeline, input.history, { from: week.from - WEEK, until: week.from });
  const lines = [
    `${sparkline(weekly)} successful deployments, last ${SPARK_WEEKS} weeks`,
    now.deployments === 0 ? 'No prod deployment this week.' : frequencyLine(now, before),
    ...(now.deployments === 0 ? [] : [leadLine(now, before), failureLine(now, before)]),
    recoveryLine(now),
  ].filter((line): line is string => Boolean(line));
  return { detail: { type: 'text', label: pipeline, text: lines.join('\n') }, figures: now };
}

function notable(figures: Figures[], region: string): ListItem[] {
  const items: ListItem[] = [];
  const slowest = figures
    .filter((f) => f.slowestLead)
    .sort((a, b) => (b.slowestLead?.ms ?? 0) - (a.slowestLead?.ms ?? 0))[0];
  if (slowest?.slowestLead)
    items.push({
      code: slowest.slowestLead.commit.slice(0, 7),
      text: `the slowest change to reach prod: ${formatSpan(slowest.slowestLead.ms)} (${slowest.pipeline})`,
      url: codePipelineExecutionUrl(region, slowest.pipeline, slowest.slowestLead.executionId),
    });
  const longest = figures
    .filter((f) => f.longestRecovery)
    .sort((a, b) => (b.longestRecovery?.ms ?? 0) - (a.longestRecovery?.ms ?? 0))[0];
  if (longest?.longestRecovery)
    items.push({
      text: `the longest recovery: ${formatSpan(longest.longestRecovery.ms)} (${longest.pipeline})`,
      url: codePipelineExecutionUrl(region, longest.pipeline, longest.longestRecovery.executionId),
    });
  return items;
}

/** The channel's digest: one message per ten pipelines with something to say, or none. */
export function describeDigest(input: DigestInput): Notice[] {
  const week = { from: input.at - WEEK, until: input.at };
  const parts = [...new Set(input.pipelines)].sort().flatMap((pipeline) => {
    const part = pipelineDetail(pipeline, input, week);
    return part ? [part] : [];
  });
  const chunks: Array<typeof parts> = [];
  for (let i = 0; i < parts.length; i += PIPELINES_PER_MESSAGE)
    chunks.push(parts.slice(i, i + PIPELINES_PER_MESSAGE));
  const span = `${day(week.from)} – ${day(week.until - 1)}`;
  return chunks.map((chunk, index) => {
    const standout = notable(
      chunk.map((p) => p.figures),
      input.region,
    );
    const count = `${parts.length} pipeline${parts.length === 1 ? '' : 's'}`;
    const of = chunks.length > 1 ? ` (${index + 1}/${chunks.length})` : '';
    const only = chunk.length === 1 ? chunk[0]?.figures.pipeline : undefined;
    return {
      source: 'herald',
      kind: 'metrics.digest',
      severity: 'info',
      title: `Delivery this week: ${count}${of}`,
      summary: `${span} · 2024 DORA bands · lead time and recovery are medians`,
      facts: [],
      details: [
        ...chunk.map((p) => p.detail),
        ...(standout.length > 0
          ? [{ type: 'list' as const, label: 'What stood out', items: standout, noun: 'events' }]
          : []),
      ],
      links: only ? [{ text: 'Open pipeline', url: codePipelineUrl(input.region, only) }] : [],
      context: ['Herald delivery digest', input.region],
      correlation: { digest: `${new Date(input.at).toISOString()}#${index}` },
      occurredAt: new Date(input.at).toISOString(),
    } satisfies Notice;
  });
}
