/**
 * Pure: an ECS alert (+ where its logs are, + what the flood gate folded, + the bake window its
 * revision is in) → Notice.
 */
import { taskDefinitionName } from '../../shared/aws/arn';
import { ecsServiceUrl, ecsTaskUrl, logStreamUrl } from '../../shared/aws/console-links';
import { bakeOffer } from '../../shared/decisions/rollbacks';
import { formatUtcClock, parseAwsDate } from '../../shared/input/time';
import type { Detail, Fact, Link, Notice, Severity } from '../../shared/notice/notice';
import { footer } from '../../shared/notice/notice';
import type { BakeWindow } from '../../shared/state/bake-window';
import {
  clusterName,
  type EcsAlert,
  type EcsEnrichment,
  type FoldedRun,
  type Folding,
  serviceOf,
  serviceOfTask,
  type TaskDefinitionLogs,
} from './model';
import type { DeploymentEvent, ServiceActionEvent, TaskEvent } from './schema';

const TITLES: Record<string, string> = {
  'task.crashed': 'Task crashed',
  'task.out-of-memory': 'Task ran out of memory',
  'task.health-check-failed': 'Task failed its health checks',
  'task.failed-to-start': 'Task failed to start',
  'task.spot-interrupted': 'Spot task interrupted',
  'task.spot-termination-notice': 'Spot task to be stopped in two minutes',
  'task.stopped-by-user': 'Task stopped by a user',
  'task.stopped': 'Task stopped',
  'deployment.failed': 'ECS deployment failed',
  'service.placement-failed': 'Tasks cannot be placed',
  'service.start-impaired': 'Tasks keep failing to start',
};

function foldedText(folding: Folding | undefined): string | undefined {
  if (!folding || folding.folded <= 0) return undefined;
  const since = parseAwsDate(folding.since);
  return `${folding.folded} more alert${folding.folded === 1 ? '' : 's'} for this service ${folding.folded === 1 ? 'was' : 'were'} folded${since ? ` since ${formatUtcClock(since)}` : ''}.`;
}

/** An alert (+ the flood gate's folding and where its logs are) → Notice. */
export function describeAlert(alert: EcsAlert, enrichment: EcsEnrichment = { problems: [] }): Notice {
  const { environment } = alert;
  if (alert.type === 'task') {
    const notice = describeTask(alert.event, alert.kind, enrichment.logs, {
      environment,
      folding: enrichment.folding,
      problems: enrichment.problems,
    });
    const { bake } = enrichment;
    return bake ? inBakeWindow(notice, { ...enrichment, bake }) : notice;
  }
  return describeServiceEvent(alert.event, alert.kind, { environment, folding: enrichment.folding });
}

/**
 * A task of the revision a deployment just shifted traffic to, inside its bake window: said so
 * (which deployment, when, until when the original is kept) and, for someone the rollback rule
 * lists, a Roll back button on the alert itself.
 */
function inBakeWindow(notice: Notice, enrichment: EcsEnrichment & { bake: BakeWindow }): Notice {
  const { bake: window, rollbackRule: rule, deployedBy } = enrichment;
  const shifted = new Date(window.shiftedAt);
  const by = deployedBy
    ? `pipeline run ${deployedBy.executionId.slice(0, 8)} (${window.deploymentId})`
    : window.deploymentId;
  const until = new Date(window.until);
  const original = window.original ? ` (${taskDefinitionName(window.original)})` : '';
  const marked: Notice = {
    ...notice,
    facts: [
      ...notice.facts,
      {
        label: 'New revision',
        value: `deployed ${formatUtcClock(shifted)} by ${by}; the original${original} is kept until ${formatUtcClock(until)}`,
      },
    ],
  };
  if (!rule) return marked;
  // The window is the bake window's own: the ECS alert knows the deployment only through it.
  const offer = bakeOffer({ ...window, until, environment: notice.environment }, rule, { finish: false });
  return { ...marked, facts: [...marked.facts, offer.fact], choices: offer.choices, comment: offer.comment };
}

function describeTask(
  event: TaskEvent,
  kind: string,
  logs: TaskDefinitionLogs | undefined,
  options: { environment?: string; folding?: Folding; problems?: string[] } = {},
): Notice {
  const d = event.detail;
  const { region, account } = event;
  const cluster = clusterName(d.clusterArn) ?? 'unknown';
  const service = serviceOfTask(event);
  const taskId = d.taskArn.split('/').pop() ?? d.taskArn;
  const containers = d.containers ?? [];
  const failing =
    containers.find((c) => typeof c.exitCode === 'number' && c.exitCode !== 0) ??
    containers.find((c) => c.reason) ??
    containers.find((c) => logs?.essential.includes(c.name)) ??
    containers[0];

  const facts: Fact[] = [];
  if (options.environment) facts.push({ label: 'Environment', value: options.environment });
  facts.push(
    { label: 'Cluster', value: cluster },
    {
      label: 'Service',
      value: service,
      url: d.group?.startsWith('service:') ? ecsServiceUrl(region, cluster, service) : undefined,
    },
    { label: 'Task definition', value: taskDefinitionName(d.taskDefinitionArn) },
    { label: 'Task', value: taskId.slice(0, 12), url: ecsTaskUrl(region, cluster, taskId), code: true },
  );
  if (d.stopCode) facts.push({ label: 'Stop code', value: d.stopCode, code: true });
  const launch = [d.launchType, d.capacityProviderName].filter(Boolean).join(' · ');
  if (launch) facts.push({ label: 'Capacity', value: launch });
  const started = parseAwsDate(d.startedAt);
  const stopped = parseAwsDate(d.stoppedAt);
  if (started && stopped && stopped >= started) {
    const seconds = Math.round((stopped.getTime() - started.getTime()) / 1000);
    facts.push({
      label: 'Ran for',
      value: seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`,
    });
  }

  const details: Detail[] = [];
  if (containers.length > 0) {
    details.push({
      type: 'list',
      label: 'Containers',
      noun: 'container',
      items: containers.map((c) => ({
        code: c.name,
        text: [
          typeof c.exitCode === 'number'
            ? `exit ${c.exitCode}`
            : (c.lastStatus?.toLowerCase() ?? 'no exit code'),
          c.reason,
          c.healthStatus && c.healthStatus !== 'UNKNOWN'
            ? `health ${c.healthStatus.toLowerCase()}`
            : undefined,
        ]
          .filter(Boolean)
          .join(' — '),
      })),
    });
  }

  const links: Link[] = [];
  const containerLogs = failing ? logs?.containers[failing.name] : undefined;
  if (failing && containerLogs?.streamPrefix) {
    links.push({
      text: `Logs of ${failing.name}`,
      url: logStreamUrl(
        containerLogs.region ?? region,
        containerLogs.group,
        `${containerLogs.streamPrefix}/${failing.name}/${taskId}`,
      ),
    });
  }
  links.push({ text: 'Open task', url: ecsTaskUrl(region, cluster, taskId) });
  if (d.group?.startsWith('service:'))
    links.push({ text: 'Open service', url: ecsServiceUrl(region, cluster, service) });

  const folded = foldedText(options.folding);
  const cause = failing?.reason ? `${failing.name}: ${failing.reason}` : undefined;
  const summary = [d.stoppedReason, cause && cause !== d.stoppedReason ? `(${cause})` : undefined, folded]
    .filter(Boolean)
    .join(' ');
  const context = footer(['ECS', region, account], options.problems);

  const notice: Notice = {
    source: 'ecs',
    kind,
    severity: kind === 'task.spot-interrupted' || kind === 'task.stopped-by-user' ? 'warning' : 'failure',
    title: `${TITLES[kind] ?? 'Task stopped'}: ${service}`,
    summary: summary || undefined,
    facts,
    details,
    links,
    context,
    correlation: { cluster, service, task: taskId },
    scope: { cluster, service },
    // A task of a revision some release deployed is news for that release's thread.
    release: { via: { taskDefinition: d.taskDefinitionArn }, level: 'detail', priority: 2 },
    occurredAt: parseAwsDate(d.stoppedAt ?? event.time)?.toISOString(),
  };
  if (options.environment) notice.environment = options.environment;
  return notice;
}

function describeServiceEvent(
  event: DeploymentEvent | ServiceActionEvent,
  kind: string,
  options: { environment?: string; folding?: Folding } = {},
): Notice {
  const { region, account } = event;
  const fromArn = serviceOf(event.resources?.[0]);
  const cluster =
    fromArn.cluster ??
    ('clusterArn' in event.detail ? clusterName(event.detail.clusterArn) : undefined) ??
    'unknown';
  const service = fromArn.service ?? 'unknown';
  const facts: Fact[] = [];
  if (options.environment) facts.push({ label: 'Environment', value: options.environment });
  facts.push(
    { label: 'Cluster', value: cluster },
    { label: 'Service', value: service, url: ecsServiceUrl(region, cluster, service) },
    { label: 'Event', value: event.detail.eventName, code: true },
  );
  if ('deploymentId' in event.detail && event.detail.deploymentId) {
    facts.push({ label: 'Deployment', value: event.detail.deploymentId, code: true });
  }
  const severity: Severity =
    event.detail.eventType === 'ERROR' || kind === 'deployment.failed' ? 'failure' : 'warning';
  const summary = [event.detail.reason, foldedText(options.folding)].filter(Boolean).join(' ');
  const notice: Notice = {
    source: 'ecs',
    kind,
    severity,
    title: `${TITLES[kind] ?? event.detail.eventName}: ${service}`,
    summary: summary || undefined,
    facts,
    details: [],
    links: [{ text: 'Open service', url: ecsServiceUrl(region, cluster, service) }],
    context: ['ECS', region, account],
    correlation: { cluster, service },
    scope: { cluster, service },
    occurredAt: parseAwsDate(
      ('updatedAt' in event.detail ? event.detail.updatedAt : undefined) ?? event.time,
    )?.toISOString(),
  };
  if (options.environment) notice.environment = options.environment;
  return notice;
}

/** The scheduled sweep's one summary of a folded run nobody reported yet. */
export function describeFoldedRun(run: FoldedRun): Notice {
  const [cluster = 'unknown', service = run.key] = run.key.split('/');
  const since = parseAwsDate(run.since);
  const region = run.region ?? 'us-east-1';
  return {
    source: 'ecs',
    kind: 'alerts.folded',
    severity: 'warning',
    title: `${run.folded} more ECS alert${run.folded === 1 ? '' : 's'}: ${service}`,
    summary: `After the last message about ${service}, ${run.folded} more alert${run.folded === 1 ? '' : 's'} came${since ? ` from ${formatUtcClock(since)} on` : ''}${run.lastKind ? `; the last: ${(TITLES[run.lastKind] ?? run.lastKind).toLowerCase()}` : ''}.`,
    facts: [
      { label: 'Cluster', value: cluster },
      { label: 'Service', value: service, url: ecsServiceUrl(region, cluster, service) },
      { label: 'Folded', value: String(run.folded) },
    ],
    details: [],
    links: [{ text: 'Open service', url: ecsServiceUrl(region, cluster, service) }],
    context: ['ECS', region, 'Herald folds repeated alerts of one service into one message per window'],
    correlation: { cluster, service },
    scope: { cluster, service },
  };
}
