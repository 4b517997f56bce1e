/**
 * Pure: the release card, rendered from the release's state alone (never patched), as a Notice so
 * that it has Herald's one look and keeps Slack's limits. The header says where the release stands
 * now; one line per stage says its state, what ran, how long, and links it.
 */
import { codePipelineExecutionUrl } from '../aws/console-links';
import { shortCommit } from '../aws/revisions';
import { formatDuration, formatUtcMinute, parseAwsDate } from '../input/time';
import type { ListItem, Notice, Severity, StepState } from '../notice/notice';
import { firstLine } from '../notice/text';
import type { Settled } from '../slack/settle';
import { escapeText } from '../slack/text';
import { currentState, openOffer, orderedStages, type ReleaseState, type StageLine } from './state';

const MARK: Record<StepState | 'pending', string> = {
  pending: ':white_circle:',
  running: ':hourglass_flowing_sand:',
  waiting: ':raised_hand:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  stopped: ':black_square_for_stop:',
  superseded: ':fast_forward:',
};

const HEADLINE: Record<StepState, string> = {
  running: 'Releasing',
  waiting: 'Waiting for approval',
  succeeded: 'Released',
  failed: 'Release failed',
  stopped: 'Release stopped',
  superseded: 'Release superseded',
};

const SEVERITY: Record<StepState, Severity> = {
  running: 'info',
  waiting: 'warning',
  succeeded: 'success',
  failed: 'failure',
  stopped: 'warning',
  superseded: 'info',
};

function duration(from: string | undefined, to: string | undefined): string | undefined {
  const start = parseAwsDate(from);
  const end = parseAwsDate(to);
  return start && end && end >= start ? formatDuration(end.getTime() - start.getTime()) : undefined;
}

/** One stage line; a stage not reached is `pending`, or `not run` once the release has ended. */
function stageItem(line: StageLine, ended: boolean): ListItem {
  const state = line.state ?? 'pending';
  const took = TERMINAL_STATES.has(state) ? duration(line.startedAt, line.endedAt) : undefined;
  const waiting = line.state ? undefined : ended ? 'not run' : 'pending';
  const parts = [line.label?.value, took, line.note?.value, waiting].filter((part): part is string =>
    Boolean(part),
  );
  return {
    text: `${MARK[state]} ${line.name}${parts.length > 0 ? ` — ${parts.join(' · ')}` : ''}`,
    url: line.url?.value,
  };
}

const TERMINAL_STATES = new Set<string>(['succeeded', 'failed', 'stopped', 'superseded']);

export function describeCard(release: ReleaseState): Notice {
  const state = currentState(release);
  const region = release.region ?? 'us-east-1';
  const executionUrl = codePipelineExecutionUrl(region, release.pipeline, release.executionId);
  const running = orderedStages(release).find((line) => line.state === 'running');
  const failed = orderedStages(release).find((line) => line.state === 'failed');
  const where =
    state === 'failed' && failed
      ? ` at ${failed.name}`
      : state === 'running' && running
        ? `: ${running.name}`
        : '';
  const took = TERMINAL_STATES.has(state) ? duration(release.startedAt, release.endedAt) : undefined;
  const commit = release.commit;
  const started = parseAwsDate(release.startedAt);
  const offer = openOffer(release);
  const card: Notice = {
    source: 'codepipeline',
    kind: 'release.card',
    severity: SEVERITY[state],
    title: `${HEADLINE[state]}${where}: ${release.pipeline}`,
    summary: commit
      ? `${shortCommit(commit.id)}${commit.message ? ` · ${firstLine(commit.message)}` : ''}${commit.author ? ` — ${commit.author}` : ''}`
      : undefined,
    facts: release.ships ? [{ label: 'Since prod', value: release.ships.line, url: release.ships.url }] : [],
    details: [
      {
        type: 'list',
        label: 'Stages',
        noun: 'stage',
        items: orderedStages(release).map((line) => stageItem(line, TERMINAL_STATES.has(state))),
      },
    ],
    links: [{ text: 'Open execution', url: executionUrl }],
    context: [
      `Execution ${release.executionId.slice(0, 8)}`,
      ...(started ? [`started ${formatUtcMinute(started)}`] : []),
      ...(took ? [`${state === 'succeeded' ? 'done' : 'ended'} in ${took}`] : []),
    ],
    correlation: { pipeline: release.pipeline, pipelineExecutionId: release.executionId },
    scope: { pipeline: release.pipeline },
  };
  // A stage's decision while it runs (Roll back / Finish now) is offered on the card too.
  if (offer) {
    card.choices = offer.choices;
    if (offer.comment) card.comment = offer.comment;
  }
  return card;
}

const OUTCOME: Record<StepState, string> = {
  running: 'in progress',
  waiting: 'waiting',
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
  superseded: 'superseded',
};

/**
 * How a reply that offered buttons reads once its stage has settled: the stage's outcome in its
 * header, and what the card says of it (who approved, "rolled back to …") in place of the offer.
 * Undefined while the stage is open.
 */
export function settledStage(release: ReleaseState, stage: string): Settled | undefined {
  const line = release.stages[stage];
  if (!line?.state || (!TERMINAL_STATES.has(line.state) && !line.offerClosed)) return undefined;
  const word =
    stage === 'Approval' || line.name.toLowerCase().includes('approv')
      ? { succeeded: 'approved', failed: 'rejected' }[line.state as 'succeeded' | 'failed']
      : undefined;
  const outcome =
    word ?? (line.offerClosed && !TERMINAL_STATES.has(line.state) ? 'decided' : OUTCOME[line.state]);
  const note = line.note?.value;
  const text = note?.startsWith(outcome)
    ? `${stage}: ${note}`
    : `${stage} ${outcome}${note ? `: ${note}` : ''}`;
  return {
    headline: `${MARK[line.state]} ${stage} ${outcome}: ${release.pipeline}`,
    line: `${MARK[line.state]} ${escapeText(text)}`,
    fallback: text,
    title: `*${escapeText(release.pipeline)}* · ${escapeText(stage)}`,
  };
}
