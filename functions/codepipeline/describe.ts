/**
 * Pure: a pipeline, stage or action state change (+ what the execution says) → Notice.
 */
import { principalName } from '../../shared/aws/arn';
import {
  codeBuildBuildUrl,
  codeDeployDeploymentUrl,
  codePipelineExecutionUrl,
  codePipelineUrl,
} from '../../shared/aws/console-links';
import { revisionFact } from '../../shared/aws/revisions';
import { formatDuration, parseAwsDate } from '../../shared/input/time';
import type {
  Detail,
  Fact,
  Link,
  Notice,
  ReleaseStep,
  Severity,
  StepState,
} from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import { firstLine } from '../../shared/notice/text';
import {
  emptyPipelineEnrichment,
  type FailedAction,
  type PipelineChange,
  type PipelineEnrichment,
} from './model';

const SEVERITY: Record<string, Severity> = {
  STARTED: 'info',
  RESUMED: 'info',
  SUPERSEDED: 'info',
  SUCCEEDED: 'success',
  FAILED: 'failure',
  STOPPING: 'warning',
  STOPPED: 'warning',
  CANCELED: 'warning',
  ABANDONED: 'warning',
};

const APPROVAL_KINDS: Record<string, string> = {
  STARTED: 'waiting',
  SUCCEEDED: 'approved',
  FAILED: 'rejected',
};

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

function kindOf(change: PipelineChange): string {
  if (change.level === 'action' && change.category === 'Approval') {
    return `approval.${APPROVAL_KINDS[change.state] ?? slug(change.state)}`;
  }
  return `${change.level}.${slug(change.state)}`;
}

function titleOf(change: PipelineChange): string {
  const state = change.state.toLowerCase();
  if (change.level === 'pipeline') return `Pipeline ${state}: ${change.pipeline}`;
  if (change.level === 'stage') return `Stage ${change.stage ?? '(unnamed)'} ${state}: ${change.pipeline}`;
  if (change.category === 'Approval') {
    const verb = { STARTED: 'waiting', SUCCEEDED: 'approved', FAILED: 'rejected' }[change.state] ?? state;
    return `Approval ${verb}: ${change.pipeline} / ${change.action}`;
  }
  return `Action ${change.action} ${state}: ${change.pipeline}`;
}

/** `external-execution-summary` is text, or a JSON document in a string. */
function summaryText(summary: string | undefined): string | undefined {
  if (!summary) return undefined;
  try {
    const parsed: unknown = JSON.parse(summary);
    if (typeof parsed === 'string') return parsed;
    if (parsed && typeof parsed === 'object') {
      const { message } = parsed as { message?: unknown };
      if (typeof message === 'string') return message;
      return Object.entries(parsed)
        .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
        .join(', ');
    }
  } catch {
    // plain text
  }
  return summary;
}

/** The console page of an action's external execution, region-correct for CodeBuild and CodeDeploy. */
function externalUrl(action: FailedAction, region: string, account: string): string | undefined {
  if (action.provider === 'CodeBuild' && action.externalId?.includes(':')) {
    const project = action.externalId.split(':')[0] ?? '';
    return codeBuildBuildUrl(region, account, project, action.externalId);
  }
  if (action.provider?.startsWith('CodeDeploy') && action.externalId?.startsWith('d-')) {
    return codeDeployDeploymentUrl(region, action.externalId);
  }
  return action.url;
}

export function describePipeline(
  change: PipelineChange,
  enrichment: PipelineEnrichment = emptyPipelineEnrichment(),
): Notice {
  const { region, account, pipeline, executionId } = change;
  const executionUrl = codePipelineExecutionUrl(region, pipeline, executionId);
  const facts: Fact[] = [
    { label: 'Pipeline', value: pipeline, url: codePipelineUrl(region, pipeline) },
    { label: 'Execution', value: executionId.slice(0, 8), url: executionUrl, code: true },
  ];
  if (change.stage) facts.push({ label: 'Stage', value: change.stage });
  if (change.action)
    facts.push({
      label: 'Action',
      value: change.provider ? `${change.action} (${change.provider})` : change.action,
    });

  const trigger = change.trigger ?? enrichment.trigger;
  if (trigger?.type && change.level === 'pipeline') {
    const who = trigger.detail ? principalName(trigger.detail) : undefined;
    facts.push({ label: 'Trigger', value: who ? `${trigger.type} · ${who}` : trigger.type });
  }
  const decision = enrichment.decision;
  if (decision?.by)
    facts.push({ label: change.state === 'FAILED' ? 'Rejected by' : 'Approved by', value: decision.by });
  const source = enrichment.revisions[0];
  const sourceFact = revisionFact('Source', source);
  if (sourceFact) facts.push(sourceFact);
  const start = parseAwsDate(enrichment.startTime);
  const end = parseAwsDate(enrichment.endTime);
  if (start && end && end >= start)
    facts.push({ label: 'Duration', value: formatDuration(end.getTime() - start.getTime()) });

  // The failed action: from the action event itself, or found by ListActionExecutions.
  const failed: FailedAction | undefined =
    change.level === 'action' && change.state === 'FAILED'
      ? {
          stage: change.stage,
          action: change.action,
          provider: change.provider,
          errorCode: change.result?.errorCode,
          summary: change.result?.summary,
          externalId: change.result?.externalId,
          url: change.result?.url,
        }
      : enrichment.failedAction;
  const details: Detail[] = [];
  if (decision?.comment) details.push({ type: 'text', label: 'Comment', text: decision.comment });
  const links: Link[] = [{ text: 'Open execution', url: executionUrl }];
  let summary: string | undefined;
  if (failed) {
    if (change.level !== 'action') {
      facts.push({
        label: 'Failed action',
        value: [failed.stage, failed.action].filter(Boolean).join(' / ') || 'unknown',
      });
    }
    if (failed.errorCode) facts.push({ label: 'Error', value: failed.errorCode, code: true });
    summary = failed.errorMessage ?? summaryText(failed.summary);
    const url = externalUrl(failed, region, account);
    if (url) {
      const what =
        failed.provider === 'CodeBuild'
          ? 'build'
          : failed.provider?.startsWith('CodeDeploy')
            ? 'deployment'
            : 'action';
      links.push({ text: `Open failing ${what}`, url });
    }
  }
  const eventFailures = change.failedActions.filter((f) => f.action || f.information);
  if (eventFailures.length > 1 || (!failed && eventFailures.length > 0)) {
    details.push({
      type: 'list',
      label: 'Failed actions',
      noun: 'action',
      items: eventFailures.map((f) => ({ text: [f.action, f.information].filter(Boolean).join(': ') })),
    });
  }
  if (!summary && change.state === 'SUPERSEDED') summary = 'A newer execution took over this one.';
  if (!summary && change.level === 'pipeline' && change.state === 'STARTED' && source?.summary) {
    summary = firstLine(source.summary);
  }

  const context = footer(['CodePipeline', region, account], enrichment.problems);
  const correlation: Record<string, string> = { pipeline, pipelineExecutionId: executionId };
  if (source?.id) correlation.commitId = source.id;
  const occurredAt = parseAwsDate(change.time)?.toISOString();

  return {
    source: 'codepipeline',
    kind: kindOf(change),
    severity: SEVERITY[change.state] ?? 'info',
    title: titleOf(change),
    summary,
    facts,
    details,
    links,
    context,
    correlation,
    scope: { pipeline },
    occurredAt,
    release: releaseStepOf(
      change,
      occurredAt,
      enrichment,
      failed ? externalUrl(failed, region, account) : undefined,
    ),
  };
}

const STEP_STATES: Record<string, StepState> = {
  STARTED: 'running',
  RESUMED: 'running',
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  STOPPING: 'stopped',
  STOPPED: 'stopped',
  CANCELED: 'stopped',
  ABANDONED: 'stopped',
  SUPERSEDED: 'superseded',
};

/** What the event changes on its release's card: the run, or one of its stages. */
function releaseStepOf(
  change: PipelineChange,
  at: string | undefined,
  { revisions, author, decision }: PipelineEnrichment,
  failedUrl: string | undefined,
): ReleaseStep {
  const source = revisions[0];
  const approval = change.level === 'action' && change.category === 'Approval';
  const state = approval && change.state === 'STARTED' ? 'waiting' : STEP_STATES[change.state];
  const verb = approval ? { SUCCEEDED: 'approved', FAILED: 'rejected' }[change.state] : undefined;
  const by = decision?.by ? ` by ${decision.by}` : '';
  const note = verb ? `${verb}${by}${decision?.comment ? `: ${decision.comment}` : ''}` : undefined;
  return {
    pipeline: change.pipeline,
    executionId: change.executionId,
    level: change.level === 'pipeline' ? 'pipeline' : 'stage',
    stage: change.stage,
    state,
    at,
    region: change.region,
    // An action's own event says more about its stage than the stage's event.
    priority: change.level === 'action' ? 1 : 0,
    note,
    url: failedUrl,
    commit: source?.id
      ? { id: source.id, message: source.summary, url: source.url, ...(author ? { author } : {}) }
      : undefined,
  };
}
