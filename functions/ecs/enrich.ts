/**
 * The flood gate of an ECS alert (recorded whatever routing says), then its reads: where a
 * stopped task's logs are (the `awslogs` options of its task definition: DescribeTaskDefinition,
 * cached per revision for the life of the container, since revisions never change; without them
 * the message links the task's page), and the bake window its revision is in.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsErrorName } from '../../shared/aws/clients';
import type { Silenced } from '../../shared/flow/notify';
import { keep } from '../../shared/lambda/container';
import type { Log } from '../../shared/lambda/logger';
import type { RollbackRule } from '../../shared/routing/schema';
import { type BakeWindow, readBakeWindow } from '../../shared/state/bake-window';
import { type Admission, admit, type FloodDeps } from '../../shared/state/flood';
import { readLink } from '../../shared/state/releases';
import type { TableDeps } from '../../shared/state/table';
import type { EcsAlert, EcsEnrichment, TaskDefinitionLogs } from './model';

const cache = keep<string, TaskDefinitionLogs>();

async function readTaskDefinitionLogs(
  taskDefinitionArn: string,
  deps: { ecs: Pick<ECSClient, 'send'>; log: Log },
): Promise<{ logs?: TaskDefinitionLogs; problem?: string }> {
  const cached = cache.get(taskDefinitionArn);
  if (cached) return { logs: cached };
  try {
    const { taskDefinition } = await deps.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinitionArn }),
    );
    const logs: TaskDefinitionLogs = { containers: {}, essential: [] };
    for (const container of taskDefinition?.containerDefinitions ?? []) {
      if (!container.name) continue;
      if (container.essential !== false) logs.essential.push(container.name);
      const options =
        container.logConfiguration?.logDriver === 'awslogs' ? container.logConfiguration.options : undefined;
      const group = options?.['awslogs-group'];
      if (group) {
        logs.containers[container.name] = {
          group,
          region: options?.['awslogs-region'],
          streamPrefix: options?.['awslogs-stream-prefix'],
        };
      }
    }
    cache.set(taskDefinitionArn, logs);
    return { logs };
  } catch (error) {
    deps.log.warn('DescribeTaskDefinition failed; linking the task page instead of its logs', {
      error: awsErrorName(error),
    });
    return { problem: `task definition (${awsErrorName(error)})` };
  }
}

export interface EnrichDeps {
  ecs: Pick<ECSClient, 'send'>;
  /** The flood gate's table; without it every alert is sent. */
  flood?: FloodDeps;
  log: Log;
  now?: () => number;
  /** Herald's state table: the bake windows codedeploy keeps, and who may roll one back. */
  bake?: { state: TableDeps; ruleFor: (window: BakeWindow) => RollbackRule | undefined };
}

/** The bake window the task's revision is in, if the task stopped inside it. */
async function bakeWindowOf(
  alert: EcsAlert & { type: 'task' },
  deps: NonNullable<EnrichDeps['bake']>,
): Promise<BakeWindow | undefined> {
  const window = await readBakeWindow(alert.cluster, alert.service, deps.state);
  const d = alert.event.detail;
  const at = Date.parse(d.stoppedAt ?? alert.event.time ?? '');
  if (!window || window.taskDefinition !== d.taskDefinitionArn || Number.isNaN(at)) return undefined;
  return at >= Date.parse(window.shiftedAt) && at < Date.parse(window.until) ? window : undefined;
}

/**
 * The flood gate, recorded for every alert whatever routing says: a service that already spoke
 * in this window only counts up, and nothing is sent.
 */
export async function admitAlert(
  alert: EcsAlert,
  deps: Pick<EnrichDeps, 'flood' | 'log' | 'now'>,
): Promise<Admission | Silenced> {
  const { cluster, service, kind, region, settings } = alert;
  if (!deps.flood) return { admitted: true, folded: 0, storage: 'ok' };
  const admission = await admit(
    `${cluster}/${service}`,
    settings.windowMinutes,
    kind,
    region,
    (deps.now ?? Date.now)(),
    deps.flood,
  );
  if (admission.admitted) return admission;
  deps.log.info('Alert folded into the open window', { cluster, ecsService: service, kind });
  return { silenced: 'folded into the open window' };
}

/**
 * The flood gate, with the alert's reads beside it (one round trip, not two): what enrichment
 * goes on with, or the silence of a folded alert (which never uses what was read).
 */
export async function recordAlert(
  alert: EcsAlert,
  deps: EnrichDeps,
): Promise<{ admission: Admission; reads: AlertReads } | Silenced> {
  const reads = readsOf(alert, deps);
  const admission = await admitAlert(alert, deps);
  return 'silenced' in admission ? admission : { admission, reads };
}

/**
 * A stopped task's reads: its task definition's logs (cached per revision) and the bake window its
 * revision is in. Neither fails: a failed read is a problem the message tells.
 */
export interface AlertReads {
  logs: Promise<{ logs?: TaskDefinitionLogs; problem?: string }>;
  bake: Promise<{ bake?: BakeWindow; problem?: string }>;
}

function readsOf(alert: EcsAlert, deps: EnrichDeps): AlertReads {
  if (alert.type !== 'task') return { logs: Promise.resolve({}), bake: Promise.resolve({}) };
  return {
    logs: readTaskDefinitionLogs(alert.event.detail.taskDefinitionArn, deps),
    bake: readBake(alert, deps),
  };
}

async function readBake(alert: EcsAlert & { type: 'task' }, deps: EnrichDeps) {
  if (!deps.bake) return {};
  try {
    return { bake: await bakeWindowOf(alert, deps.bake) };
  } catch (error) {
    deps.log.warn('Could not read the bake window; the alert says less', { error: awsErrorName(error) });
    return { problem: `bake window (${awsErrorName(error)})` };
  }
}

/**
 * Where a stopped task's logs are, and the bake window its revision is in (`reads`: started
 * already, beside the flood gate).
 */
export async function enrichAlert(
  alert: EcsAlert,
  deps: EnrichDeps,
  admission: Admission = { admitted: true, folded: 0, storage: 'ok' },
  reads: AlertReads = readsOf(alert, deps),
): Promise<EcsEnrichment> {
  if (alert.type !== 'task') return { folding: admission, problems: [] };
  const [{ logs, problem }, { bake, problem: bakeProblem }] = await Promise.all([reads.logs, reads.bake]);
  const problems = [problem, bakeProblem].filter((p): p is string => p !== undefined);
  const enrichment: EcsEnrichment = { folding: admission, logs, problems: problems.sort() };
  if (bake && deps.bake) {
    enrichment.bake = bake;
    // Only known where releases are followed (app mode); without it the deployment is named.
    const run = await readLink(bake.deploymentId, deps.bake.state).catch(() => undefined);
    if (run) enrichment.deployedBy = { pipeline: run.pipeline, executionId: run.executionId };
    const rule = deps.bake.ruleFor(bake);
    if (rule) enrichment.rollbackRule = rule;
  }
  return enrichment;
}
