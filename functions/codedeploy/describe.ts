/**
 * Pure: a deployment state change (+ what GetDeployment and the target say) → Notice.
 *
 * Events arrive at least once and out of order. The same event always gives the same message; when
 * the deployment has moved on since (a START read after the SUCCESS), the message says so with a
 * "Now" fact, so a late message cannot be mistaken for the current state.
 */
import { taskDefinitionName } from '../../shared/aws/arn';
import { codeDeployDeploymentUrl, codeDeployGroupUrl } from '../../shared/aws/console-links';
import { type BakeOffer, bakeOffer, decisionLine } from '../../shared/decisions/rollbacks';
import { formatDuration, formatUtcClock, formatUtcMinute, parseAwsDate } from '../../shared/input/time';
import type { Detail, Fact, Link, Notice, Severity, StepState } from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import {
  bakeWindowOf,
  type CodeDeployModel,
  type DeploymentChange,
  type DeploymentEnrichment,
  type DeploymentState,
  type InstanceChange,
  isInstance,
  isRollbackDeployment,
} from './model';

interface Look {
  verb: string;
  severity: Severity;
}

const LOOKS: Record<DeploymentState, Look> = {
  created: { verb: 'created', severity: 'info' },
  started: { verb: 'started', severity: 'info' },
  ready: { verb: 'shifted traffic', severity: 'success' },
  succeeded: { verb: 'succeeded', severity: 'success' },
  failed: { verb: 'failed', severity: 'failure' },
  stopped: { verb: 'stopped', severity: 'warning' },
  'rolled-back': { verb: 'rolled back', severity: 'warning' },
  other: { verb: 'changed', severity: 'info' },
};

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

const STEP_STATES: Record<DeploymentState, StepState> = {
  created: 'running',
  started: 'running',
  ready: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  stopped: 'stopped',
  'rolled-back': 'failed',
  other: 'running',
};

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function describeDeployment(
  change: DeploymentChange,
  enrichment: DeploymentEnrichment = { taskSets: [], problems: [] },
): Notice {
  const { details } = enrichment;
  const { environment } = change;
  const isRollback = isRollbackDeployment(details);
  const look = LOOKS[change.state];
  const stateName = change.state === 'other' ? change.rawState.toLowerCase() : change.state;
  const kind = `${isRollback ? 'rollback' : 'deployment'}.${stateName}`;
  const what = isRollback ? 'Rollback' : 'Deployment';
  const verb = change.state === 'other' ? `is ${stateName}` : look.verb;
  const url = codeDeployDeploymentUrl(change.region, change.deploymentId);

  const facts: Fact[] = [];
  if (environment) facts.push({ label: 'Environment', value: environment });
  facts.push(
    { label: 'Application', value: change.application },
    {
      label: 'Deployment group',
      value: change.deploymentGroup,
      url: codeDeployGroupUrl(change.region, change.application, change.deploymentGroup),
    },
    { label: 'Deployment', value: change.deploymentId, url, code: true },
  );
  if (details?.taskDefinition)
    facts.push({ label: 'Task definition', value: taskDefinitionName(details.taskDefinition) });
  if (enrichment.image)
    facts.push({ label: 'Image', value: enrichment.image.split('/').pop() ?? enrichment.image });
  if (details?.creator) {
    facts.push({
      label: 'Started by',
      value: details.description ? `${details.creator} · ${details.description}` : details.creator,
    });
  }
  const start = parseAwsDate(details?.createTime ?? change.createTime);
  const end = parseAwsDate(details?.completeTime ?? change.completeTime);
  if (
    start &&
    end &&
    end >= start &&
    ['succeeded', 'failed', 'stopped', 'rolled-back'].includes(change.state)
  ) {
    facts.push({ label: 'Duration', value: formatDuration(end.getTime() - start.getTime()) });
  }

  const error = change.error ?? details?.error;
  if (error?.code && ['failed', 'stopped', 'rolled-back'].includes(change.state))
    facts.push({ label: 'Error', value: error.code, code: true });
  const hook = enrichment.failedLifecycleEvent;
  if (hook) facts.push({ label: 'Failed step', value: hook.name, code: true });

  const rollback = change.rollback ?? details?.rollback;
  if (rollback?.deploymentId && rollback.deploymentId !== change.deploymentId) {
    facts.push({
      label: 'Rolled back by',
      value: rollback.deploymentId,
      url: codeDeployDeploymentUrl(change.region, rollback.deploymentId),
      code: true,
    });
  }
  if (isRollback && rollback?.triggeredBy) {
    facts.push({
      label: 'Rolls back',
      value: rollback.triggeredBy,
      url: codeDeployDeploymentUrl(change.region, rollback.triggeredBy),
      code: true,
    });
  }

  let summary: string | undefined;
  let bake: string | undefined;
  let offer: BakeOffer | undefined;
  const eventTime = parseAwsDate(change.time);
  const termination = details?.termination;
  const window = bakeWindowOf(change, details);
  if (change.state === 'ready' && termination) {
    if (window) {
      const at = window.until;
      bake = `traffic shifted ${formatUtcClock(window.shifted)}, original kept until ${formatUtcClock(at)}`;
      const original = enrichment.original ? `${taskDefinitionName(enrichment.original)}, ` : '';
      facts.push({ label: 'Original task set', value: `${original}kept until ${formatUtcMinute(at)}` });
      summary = `Traffic now goes to the new task set. The original one is kept for ${formatDuration(window.minutes * 60_000)} (until ${formatUtcMinute(at)}) so the release can be rolled back at once.`;
      if (change.rollbackRule) {
        offer = bakeOffer(
          {
            deploymentId: change.deploymentId,
            application: change.application,
            deploymentGroup: change.deploymentGroup,
            cluster: enrichment.service?.cluster,
            service: enrichment.service?.name,
            taskDefinition: details?.taskDefinition,
            original: enrichment.original,
            until: at,
            environment,
          },
          change.rollbackRule,
          { finish: true },
        );
        facts.push(offer.fact);
        summary = `${summary} Roll back or finish now from here.`;
      }
    } else if (termination.action === 'TERMINATE') {
      facts.push({ label: 'Original task set', value: 'terminated now' });
      summary = 'Traffic now goes to the new task set; the original one is being terminated.';
    } else {
      facts.push({ label: 'Original task set', value: 'kept running' });
      summary = 'Traffic now goes to the new task set; the original one keeps running.';
    }
  } else if (['failed', 'stopped', 'rolled-back'].includes(change.state)) {
    summary = hook?.message ?? error?.message ?? rollback?.message;
  }
  const decided = enrichment.slackDecision;
  if (decided) {
    const line = decisionLine(decided);
    facts.push({ label: 'From Slack', value: line });
    summary = `${capital(line)}.${summary ? ` ${summary}` : ''}`;
  }

  if (
    details?.status &&
    TERMINAL.has(details.status) &&
    !['succeeded', 'failed', 'stopped', 'rolled-back'].includes(change.state)
  ) {
    facts.push({ label: 'Now', value: details.status });
  }
  for (const set of enrichment.taskSets.slice(0, 2)) {
    const counts =
      set.running !== undefined && set.desired !== undefined
        ? `${set.running}/${set.desired} running`
        : set.status;
    const weight = set.trafficWeight !== undefined ? `, ${set.trafficWeight}% traffic` : '';
    facts.push({ label: `${set.label} task set`, value: `${counts ?? 'unknown'}${weight}` });
  }

  const details_: Detail[] = [];
  if (hook?.logTail)
    details_.push({
      type: 'code',
      label: `${hook.name} output`,
      lines: hook.logTail.split(/\r?\n/),
      keep: 'tail',
    });
  if (error?.message && summary !== error.message)
    details_.push({ type: 'text', label: 'Error', text: error.message });
  const messages = (details?.statusMessages ?? []).filter((m) => m !== summary && m !== error?.message);
  if (messages.length > 0 && change.state !== 'succeeded') {
    details_.push({
      type: 'list',
      label: 'Status messages',
      noun: 'message',
      items: messages.map((text) => ({ text })),
    });
  }

  /** What the card's stage line says: a decision, the bake window while it lasts, how it ended. */
  const stageNote = (): string | undefined => {
    if (isRollback) {
      const to = details?.taskDefinition ? ` to ${taskDefinitionName(details.taskDefinition)}` : '';
      // A rollback started from Slack says who started it ("… from Slack by Li Wei at 16:40 UTC: …").
      const from = decided?.action === 'rollback' ? decisionLine(decided).replace(/^rolled back/, '') : '';
      return `${change.state === 'succeeded' ? 'rolled back' : 'rolling back'}${to}${from}`;
    }
    if (decided) return decisionLine(decided);
    if (bake) return bake;
    if (change.state === 'ready' && eventTime) return `traffic shifted ${formatUtcClock(eventTime)}`;
    // The bake is over: the original task set is gone, and the line says so.
    if (change.state === 'succeeded' && termination?.action === 'TERMINATE')
      return 'original task set terminated';
    return undefined;
  };

  const links: Link[] = [{ text: 'Open deployment', url }];
  if (rollback?.deploymentId && rollback.deploymentId !== change.deploymentId) {
    links.push({ text: 'Open rollback', url: codeDeployDeploymentUrl(change.region, rollback.deploymentId) });
  }

  const context = footer(['CodeDeploy', change.region, change.account], enrichment.problems);

  const notice: Notice = {
    source: 'codedeploy',
    kind,
    severity: look.severity,
    title: `${what} ${verb}${environment ? ` in ${environment}` : ''}: ${change.application}`,
    summary,
    facts,
    details: details_,
    links,
    context,
    correlation: { deploymentId: change.deploymentId, deploymentGroup: change.deploymentGroup },
    scope: {
      application: change.application,
      ...(enrichment.service
        ? { cluster: enrichment.service.cluster, service: enrichment.service.name }
        : {}),
    },
    occurredAt: eventTime?.toISOString(),
    // A deployment is a stage of the release that started it; its rollback is news for that thread.
    release: {
      via: {
        deploymentId: isRollback ? (rollback?.triggeredBy ?? change.deploymentId) : change.deploymentId,
        application: change.application,
        deploymentGroup: change.deploymentGroup,
        taskDefinition: isRollback ? undefined : details?.taskDefinition,
      },
      // A rollback is its stage's outcome: the stage failed, and the card says what runs now.
      level: 'stage',
      state: isRollback ? 'failed' : STEP_STATES[change.state],
      at: eventTime?.toISOString(),
      startedAt: start?.toISOString(),
      region: change.region,
      // A rollback names no deployment of its own on the card: the stage's is the one that failed.
      label: isRollback ? undefined : change.deploymentId,
      url: isRollback ? undefined : url,
      note: stageNote(),
      // The rollback outranks the deployment it rolls back; its end outranks its start.
      priority: isRollback ? (change.state === 'succeeded' ? 4 : 3) : 2,
      ...(offer ? { offer: { choices: offer.choices, comment: offer.comment } } : {}),
    },
  };
  if (environment) notice.environment = environment;
  // "Traffic now goes to the new task set, the original is kept…" holds only until the window ends.
  if (window && summary) notice.offerLead = true;
  if (offer) {
    notice.choices = offer.choices;
    notice.comment = offer.comment;
  }
  return notice;
}

/** Deployments as above; instance events (EC2/on-premises) briefly, under kinds muted by default. */
export function describeCodeDeploy(model: CodeDeployModel, enrichment?: DeploymentEnrichment): Notice {
  return isInstance(model) ? describeInstance(model) : describeDeployment(model, enrichment);
}

/** EventBridge says `SUCCESS`, the SNS trigger `Succeeded`: one kind for both. */
const INSTANCE_STATES: Record<string, string> = {
  SUCCESS: 'succeeded',
  SUCCEEDED: 'succeeded',
  FAILURE: 'failed',
  FAILED: 'failed',
  START: 'started',
  INPROGRESS: 'started',
  IN_PROGRESS: 'started',
};

function describeInstance(change: InstanceChange): Notice {
  const raw = change.rawState.toUpperCase();
  const state = INSTANCE_STATES[raw] ?? raw.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const instance = change.instanceId.split('/').pop() ?? change.instanceId;
  const url = codeDeployDeploymentUrl(change.region, change.deploymentId);
  return {
    source: 'codedeploy',
    kind: `instance.${state}`,
    severity: state === 'failed' || state === 'failure' ? 'failure' : 'info',
    title: `Instance ${instance} ${state.replace(/-/g, ' ')}: ${change.application ?? change.deploymentId}`,
    facts: [
      { label: 'Instance', value: instance, code: true },
      { label: 'Deployment', value: change.deploymentId, url, code: true },
      ...(change.deploymentGroup ? [{ label: 'Deployment group', value: change.deploymentGroup }] : []),
    ],
    details: [],
    links: [{ text: 'Open deployment', url }],
    context: footer(['CodeDeploy', change.region, change.account]),
    correlation: { deploymentId: change.deploymentId, instanceId: change.instanceId },
    ...(change.application ? { scope: { application: change.application } } : {}),
    occurredAt: parseAwsDate(change.time)?.toISOString(),
  };
}
