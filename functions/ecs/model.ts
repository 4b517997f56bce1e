/**
 * What the ecs describer reads: each ECS event as an `EcsAlert` (which service, which kind, the
 * service's settings and environment from the routing config) or, for the expected churn of a
 * healthy service, why it stays quiet; and what enrichment found (the flood gate's folding, where
 * the task's logs are).
 */
import { taskDefinitionName } from '../../shared/aws/arn';
import { isQuiet, type Quiet } from '../../shared/notice/quiet';
import { environmentOf } from '../../shared/routing/route';
import type { RollbackRule, RoutingConfig } from '../../shared/routing/schema';
import type { BakeWindow } from '../../shared/state/bake-window';
import {
  classifyDeployment,
  classifyServiceAction,
  classifyTask,
  type ServiceSettings,
  settingsFor,
  type Verdict,
} from './classify';
import type { DeploymentEvent, EcsInput, ServiceActionEvent, TaskEvent } from './schema';

interface Subject {
  cluster: string;
  service: string;
  region: string;
  kind: string;
  settings: ServiceSettings;
  environment?: string;
}

export type EcsAlert =
  | (Subject & { type: 'task'; event: TaskEvent })
  | (Subject & { type: 'service'; event: DeploymentEvent | ServiceActionEvent });

export interface Folding {
  folded: number;
  since?: string;
}

interface ContainerLogs {
  group: string;
  region?: string;
  streamPrefix?: string;
}

export interface TaskDefinitionLogs {
  containers: Record<string, ContainerLogs>;
  essential: string[];
}

export interface EcsEnrichment {
  folding?: Folding;
  logs?: TaskDefinitionLogs;
  /** The task runs the revision a deployment shifted traffic to, inside its bake window. */
  bake?: BakeWindow;
  /** The pipeline run that deployed it (app mode knows it: the deployment's `link#` item). */
  deployedBy?: { pipeline: string; executionId: string };
  /** Who may roll that deployment back from Slack (none: no button). */
  rollbackRule?: RollbackRule;
  problems: string[];
}

/** A run of alerts the flood gate folded and nobody reported yet. */
export type { FoldedRun } from '../../shared/state/flood';

/** `arn:aws:ecs:r:a:cluster/name` → `name`. */
export function clusterName(arn: string | undefined): string | undefined {
  return arn
    ?.split(':')
    .pop()
    ?.replace(/^cluster\//, '');
}

/** `…:service/cluster/name` → `{cluster, service}`. */
export function serviceOf(arn: string | undefined): { cluster?: string; service?: string } {
  const resource = arn?.split(':').pop() ?? '';
  const parts = resource.split('/');
  if (parts[0] !== 'service') return {};
  return parts.length >= 3 ? { cluster: parts[1], service: parts[2] } : { service: parts[1] };
}

/** `service:shop-api` → `shop-api`; standalone tasks are named by their family. */
export function serviceOfTask(event: TaskEvent): string {
  const group = event.detail.group ?? '';
  if (group.startsWith('service:')) return group.slice('service:'.length);
  return group || taskDefinitionName(event.detail.taskDefinitionArn);
}

/** The service's settings decide whether the event is an alert, and of which kind. */
function judge(
  cluster: string,
  service: string,
  routing: RoutingConfig,
  verdict: (settings: ServiceSettings) => Verdict,
): Omit<Subject, 'region'> | Quiet {
  const settings = settingsFor(cluster, service, routing);
  const said = verdict(settings);
  if (!said.alert) return { quiet: said.reason, about: { cluster, ecsService: service } };
  return { cluster, service, kind: said.kind, settings, environment: environmentOf(service, routing) };
}

export function modelsOf(input: EcsInput, routing: RoutingConfig): Array<EcsAlert | Quiet> {
  switch (input['detail-type']) {
    case 'ECS Task State Change': {
      const event = input;
      const cluster = clusterName(event.detail.clusterArn) ?? 'unknown';
      const judged = judge(cluster, serviceOfTask(event), routing, (settings) =>
        classifyTask(event, settings),
      );
      return [isQuiet(judged) ? judged : { type: 'task', event, region: event.region, ...judged }];
    }
    case 'ECS Deployment State Change':
    case 'ECS Service Action': {
      const event = input;
      const fromArn = serviceOf(event.resources?.[0]);
      const cluster =
        fromArn.cluster ??
        clusterName('clusterArn' in event.detail ? event.detail.clusterArn : undefined) ??
        'unknown';
      const judged = judge(cluster, fromArn.service ?? 'unknown', routing, () =>
        event['detail-type'] === 'ECS Deployment State Change'
          ? classifyDeployment(event)
          : classifyServiceAction(event),
      );
      return [isQuiet(judged) ? judged : { type: 'service', event, region: event.region, ...judged }];
    }
    default:
      return [{ quiet: `${input['detail-type']} is never an alert` }];
  }
}
