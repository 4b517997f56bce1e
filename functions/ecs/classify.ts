/**
 * Pure: which ECS events are worth a message, and which are the expected churn of a healthy
 * service (scale-in, tasks replaced by a deployment, a blue/green original task set going away,
 * tasks that exit 0 by design, Spot interruptions and user stops unless configured).
 */
import { matchesGlob } from '../../shared/routing/route';
import type { EcsServiceSettings, RoutingConfig } from '../../shared/routing/schema';
import type { DeploymentEvent, ServiceActionEvent, TaskEvent } from './schema';

const DEFAULT_WINDOW_MINUTES = 15;

export type Verdict = { alert: true; kind: string } | { alert: false; reason: string };

export interface ServiceSettings {
  windowMinutes: number;
  spotInterruptions: boolean;
  userStops: boolean;
}

export function settingsFor(cluster: string, service: string, config: RoutingConfig): ServiceSettings {
  const match: EcsServiceSettings | undefined = config.ecs?.services?.find(
    (s) => matchesGlob(s.cluster ?? '*', cluster) && matchesGlob(s.service ?? '*', service),
  );
  return {
    windowMinutes: match?.windowMinutes ?? DEFAULT_WINDOW_MINUTES,
    spotInterruptions: match?.spotInterruptions ?? false,
    userStops: match?.userStops ?? false,
  };
}

const CHURN = [
  /^Scaling activity initiated by/i,
  /^Task stopped by the deployment/i,
  /^ECS is performing maintenance/i,
  /^Service .* was (scaled|deleted)/i,
  /^Task set .* (scaled|deleted)/i,
];

const START_FAILURES =
  /CannotPullContainerError|ResourceInitializationError|CannotStartContainerError|CannotCreateVolumeError|InternalError|TaskFailedToStart/i;

export function classifyTask(event: TaskEvent, settings: ServiceSettings): Verdict {
  const d = event.detail;
  if (d.lastStatus !== 'STOPPED') {
    // Spot's two-minute warning: still running, to be stopped. A kind of its own, muted by default.
    if (d.desiredStatus === 'STOPPED' && d.stopCode === 'SpotInterruption')
      return { alert: true, kind: 'task.spot-termination-notice' };
    return { alert: false, reason: `task is ${d.lastStatus}, not stopped` };
  }
  const reason = d.stoppedReason ?? '';
  const containers = d.containers ?? [];
  if (containers.some((c) => /OutOfMemory/i.test(c.reason ?? '')) || /OutOfMemory/i.test(reason)) {
    return { alert: true, kind: 'task.out-of-memory' };
  }
  if (/health checks?/i.test(reason)) return { alert: true, kind: 'task.health-check-failed' };
  if (
    d.stopCode === 'TaskFailedToStart' ||
    START_FAILURES.test(reason) ||
    containers.some((c) => START_FAILURES.test(c.reason ?? ''))
  ) {
    return { alert: true, kind: 'task.failed-to-start' };
  }
  switch (d.stopCode) {
    case 'SpotInterruption':
      return settings.spotInterruptions
        ? { alert: true, kind: 'task.spot-interrupted' }
        : { alert: false, reason: 'Spot interruption (spotInterruptions is off)' };
    case 'UserInitiated':
      return settings.userStops
        ? { alert: true, kind: 'task.stopped-by-user' }
        : { alert: false, reason: 'stopped by a user' };
    case 'TerminationNotice':
      return { alert: false, reason: 'task retired by AWS and replaced by the scheduler' };
    default:
      break;
  }
  if (CHURN.some((pattern) => pattern.test(reason)))
    return { alert: false, reason: `expected churn: ${reason}` };
  const exits = containers.map((c) => c.exitCode).filter((code): code is number => typeof code === 'number');
  // The scheduler stopping healthy tasks that then shut down cleanly (0, or 143 after SIGTERM) is
  // a scale-in or a replaced task set, whatever words the reason uses: a blue/green original task
  // set going away after its bake window looks like this.
  if (
    d.stopCode === 'ServiceSchedulerInitiated' &&
    exits.length > 0 &&
    exits.every((code) => code === 0 || code === 143)
  ) {
    return {
      alert: false,
      reason: `stopped by the scheduler and shut down cleanly: ${reason || 'no reason given'}`,
    };
  }
  if (d.stopCode === 'EssentialContainerExited' && exits.length > 0 && exits.every((code) => code === 0)) {
    return { alert: false, reason: 'every container exited 0' };
  }
  if (d.stopCode === 'EssentialContainerExited' || exits.some((code) => code !== 0))
    return { alert: true, kind: 'task.crashed' };
  return { alert: true, kind: 'task.stopped' };
}

export function classifyDeployment(event: DeploymentEvent): Verdict {
  switch (event.detail.eventName) {
    case 'SERVICE_DEPLOYMENT_FAILED':
      return { alert: true, kind: 'deployment.failed' };
    case 'SERVICE_DEPLOYMENT_COMPLETED':
      return { alert: false, reason: 'deployment completed' };
    case 'SERVICE_DEPLOYMENT_IN_PROGRESS':
      return { alert: false, reason: 'deployment in progress' };
    default:
      return event.detail.eventType === 'ERROR'
        ? { alert: true, kind: `deployment.${event.detail.eventName.toLowerCase().replace(/_/g, '-')}` }
        : { alert: false, reason: `${event.detail.eventName} is informational` };
  }
}

export function classifyServiceAction(event: ServiceActionEvent): Verdict {
  const { eventType, eventName } = event.detail;
  if (eventType !== 'WARN' && eventType !== 'ERROR')
    return { alert: false, reason: `${eventName} is informational` };
  const names: Record<string, string> = {
    SERVICE_TASK_PLACEMENT_FAILURE: 'service.placement-failed',
    SERVICE_TASK_START_IMPAIRED: 'service.start-impaired',
    SERVICE_DISCOVERY_INSTANCE_UNHEALTHY: 'service.discovery-unhealthy',
    SERVICE_TASK_CONFIGURATION_FAILURE: 'service.configuration-failed',
  };
  return { alert: true, kind: names[eventName] ?? `service.${eventName.toLowerCase().replace(/_/g, '-')}` };
}
