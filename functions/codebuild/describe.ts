/**
 * Pure: a CodeBuild state change (+ what enrichment found) → Notice. No I/O, no env, no clock.
 */
import { parseArn } from '../../shared/aws/arn';
import {
  codeBuildBuildUrl,
  codeBuildProjectUrl,
  codeCommitCommitUrl,
  codePipelineUrl,
  logStreamUrl,
} from '../../shared/aws/console-links';
import { shortCommit } from '../../shared/aws/revisions';
import { formatDuration, parseAwsDate } from '../../shared/input/time';
import type { Detail, Fact, Link, Notice, Severity, StepState } from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import { firstLine } from '../../shared/notice/text';
import {
  type BuildEnrichment,
  type BuildModel,
  type BuildPhase,
  commitIdOf,
  isPhase,
  repositoryOf,
} from './model';
import type { BuildEvent, PhaseEvent } from './schema';

interface StatusLook {
  kind: string;
  severity: Severity;
  verb: string;
}

const STATUS: Record<string, StatusLook> = {
  IN_PROGRESS: { kind: 'build.started', severity: 'info', verb: 'started' },
  SUCCEEDED: { kind: 'build.succeeded', severity: 'success', verb: 'succeeded' },
  FAILED: { kind: 'build.failed', severity: 'failure', verb: 'failed' },
  FAULT: { kind: 'build.faulted', severity: 'failure', verb: 'faulted' },
  TIMED_OUT: { kind: 'build.timed-out', severity: 'failure', verb: 'timed out' },
  STOPPED: { kind: 'build.stopped', severity: 'warning', verb: 'was stopped' },
};

const STEP_STATES: Record<string, StepState> = {
  IN_PROGRESS: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  FAULT: 'failed',
  TIMED_OUT: 'failed',
  STOPPED: 'stopped',
};

const PHASE_PROBLEMS = new Set(['FAILED', 'FAULT', 'TIMED_OUT', 'STOPPED']);

function statusLook(status: string): StatusLook {
  return (
    STATUS[status] ?? {
      kind: `build.${status.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
      severity: 'info',
      verb: `is ${status.toLowerCase()}`,
    }
  );
}

function eventPhases(event: BuildEvent): BuildPhase[] {
  return (event.detail['additional-information']?.phases ?? []).map((phase) => ({
    type: phase['phase-type'] ?? 'UNKNOWN',
    status: phase['phase-status'],
    contexts: (phase['phase-context'] ?? []).filter(
      (c): c is string => typeof c === 'string' && c.trim() !== '',
    ),
    durationSeconds: phase['duration-in-seconds'] ?? undefined,
  }));
}

/** The first phase that did not succeed, preferring the fuller API answer over the event's copy. */
function failedPhase(event: BuildEvent, enrichment: BuildEnrichment): BuildPhase | undefined {
  const fromApi = enrichment.details?.phases ?? [];
  const phases = fromApi.length > 0 ? fromApi : eventPhases(event);
  return phases.find((phase) => phase.status !== undefined && PHASE_PROBLEMS.has(phase.status));
}

function initiatorFact(initiator: string, region: string): { fact: Fact; pipeline?: string } {
  const pipeline = /^codepipeline\/(.+)$/.exec(initiator)?.[1];
  if (pipeline) {
    return {
      fact: { label: 'Started by', value: `Pipeline ${pipeline}`, url: codePipelineUrl(region, pipeline) },
      pipeline,
    };
  }
  return { fact: { label: 'Started by', value: initiator } };
}

export function describeBuild(event: BuildEvent, enrichment: BuildEnrichment = { problems: [] }): Notice {
  const { detail, region, account } = event;
  const info = detail['additional-information'];
  const status = detail['build-status'];
  const look = statusLook(status);
  const project = detail['project-name'];
  const arn = parseArn(detail['build-id']);
  const buildId = arn?.resource.replace(/^build\//, '') ?? detail['build-id'];
  const accountId = arn?.account || account;
  const buildNumber = enrichment.details?.buildNumber ?? info?.['build-number'] ?? undefined;
  const label = buildNumber !== undefined ? `${project} #${buildNumber}` : project;
  const buildUrl = codeBuildBuildUrl(region, accountId, project, buildId);

  const facts: Fact[] = [
    { label: 'Project', value: project, url: codeBuildProjectUrl(region, accountId, project) },
    {
      label: 'Build',
      value: buildNumber !== undefined ? `#${buildNumber}` : (buildId.split(':').pop() ?? buildId),
      url: buildUrl,
    },
  ];

  const repository = repositoryOf(event, enrichment.details);
  const commitId = commitIdOf(event, enrichment.details);
  // A pipeline's source version is its artifact's S3 ARN: only a commit or a ref means anything here.
  const version =
    commitId ??
    [enrichment.details?.sourceVersion, info?.['source-version']].find((v) => v && !v.startsWith('arn:'));
  if (version) {
    const shortId = shortCommit(version);
    const message = enrichment.commitMessage ? firstLine(enrichment.commitMessage) : undefined;
    const commit: Fact = { label: 'Commit', value: message ? `${shortId} · ${message}` : shortId };
    if (commitId && repository) commit.url = codeCommitCommitUrl(region, repository, commitId);
    facts.push(commit);
  }
  if (repository) facts.push({ label: 'Repository', value: repository });

  const initiator = enrichment.details?.initiator ?? info?.initiator;
  const started = initiator ? initiatorFact(initiator, region) : undefined;
  if (started) facts.push(started.fact);

  const start = parseAwsDate(enrichment.details?.startTime ?? info?.['build-start-time']);
  const end =
    parseAwsDate(enrichment.details?.endTime) ??
    (status !== 'IN_PROGRESS' ? parseAwsDate(event.time) : undefined);
  if (start && end && end >= start)
    facts.push({ label: 'Duration', value: formatDuration(end.getTime() - start.getTime()) });

  const phase =
    look.severity === 'failure' || status === 'STOPPED' ? failedPhase(event, enrichment) : undefined;
  if (phase)
    facts.push({
      label: look.severity === 'failure' ? 'Failed phase' : 'Stopped in',
      value: phase.type,
      code: true,
    });

  const details: Detail[] = [];
  const reason = phase?.contexts.join('\n');
  // A one-line reason is the summary already; several lines get a section of their own.
  if (reason && phase && phase.contexts.length > 1)
    details.push({ type: 'text', label: 'Reason', text: reason });
  if (enrichment.logTail && enrichment.logTail.length > 0) {
    details.push({ type: 'code', label: 'Last log lines', lines: enrichment.logTail, keep: 'tail' });
  }

  const links: Link[] = [{ text: 'Open build', url: buildUrl }];
  const group = enrichment.details?.logGroup ?? info?.logs?.['group-name'];
  const stream = enrichment.details?.logStream ?? info?.logs?.['stream-name'];
  if (group && stream) links.push({ text: 'View logs', url: logStreamUrl(region, group, stream) });
  if (started?.pipeline)
    links.push({ text: 'Open pipeline', url: codePipelineUrl(region, started.pipeline) });

  const summary = phase
    ? `${phase.type} phase ${phase.status?.toLowerCase().replace('_', ' ') ?? 'failed'}${reason ? `: ${firstLine(reason)}` : ''}`
    : enrichment.commitMessage
      ? firstLine(enrichment.commitMessage)
      : undefined;

  const correlation: Record<string, string> = { buildId };
  if (commitId) correlation.commitId = commitId;
  if (started?.pipeline) correlation.pipeline = started.pipeline;

  return {
    source: 'codebuild',
    kind: look.kind,
    severity: look.severity,
    title: `Build ${look.verb}: ${label}`,
    summary,
    facts,
    details,
    links,
    context: footer(['CodeBuild', region, accountId], enrichment.problems),
    correlation,
    scope: {
      project: detail['project-name'],
      ...(repository ? { repository } : {}),
      ...(started?.pipeline ? { pipeline: started.pipeline } : {}),
    },
    occurredAt: parseAwsDate(event.time)?.toISOString(),
    // A build its pipeline started is a stage of that pipeline's release.
    release: started?.pipeline
      ? {
          pipeline: started.pipeline,
          via: { buildId },
          level: 'stage',
          state: STEP_STATES[status] ?? 'running',
          at: parseAwsDate(event.time)?.toISOString(),
          startedAt: start?.toISOString(),
          region,
          label: buildNumber !== undefined ? `Build #${buildNumber}` : undefined,
          url: buildUrl,
          note: phase
            ? `${phase.type} ${phase.status?.toLowerCase().replace('_', ' ') ?? 'failed'}`
            : undefined,
          priority: 2,
        }
      : undefined,
  };
}

/** Build state changes as above; phase changes briefly, under kinds muted by default. */
export function describeCodeBuild(model: BuildModel, enrichment?: BuildEnrichment): Notice {
  return isPhase(model) ? describePhase(model) : describeBuild(model, enrichment);
}

function describePhase(event: PhaseEvent): Notice {
  const { detail, region, account } = event;
  const phase = detail['completed-phase'];
  const status = (detail['completed-phase-status'] ?? 'unknown').toLowerCase().replace(/_/g, '-');
  const arn = parseArn(detail['build-id']);
  const buildId = arn?.resource.replace(/^build\//, '') ?? detail['build-id'];
  const project = detail['project-name'];
  const url = codeBuildBuildUrl(region, arn?.account || account, project, buildId);
  const seconds = detail['completed-phase-duration-seconds'];
  return {
    source: 'codebuild',
    kind: `phase.${phase.toLowerCase().replace(/_/g, '-')}.${status}`,
    severity: status === 'failed' || status === 'fault' || status === 'timed-out' ? 'failure' : 'info',
    title: `Build phase ${phase} ${status.replace(/-/g, ' ')}: ${project}`,
    facts: [
      { label: 'Project', value: project },
      { label: 'Phase', value: phase, code: true },
      ...(typeof seconds === 'number' ? [{ label: 'Took', value: formatDuration(seconds * 1000) }] : []),
    ],
    details: [],
    links: [{ text: 'Open build', url }],
    context: footer(['CodeBuild', region, arn?.account || account]),
    correlation: { buildId, phase },
    scope: { project },
    occurredAt: parseAwsDate(event.time)?.toISOString(),
  };
}
