/**
 * The reads of an ECS alert: first the flood gate (a service that already spoke in this window
 * only counts up, and nothing is sent), then where a stopped task's logs are: the `awslogs`
 * options of its task definition (DescribeTaskDefinition, cached per revision for the life of the
 * container, since revisions never change). Without them the message links the task's page.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsErrorName } from '../../shared/aws/clients';
import { keep } from '../../shared/container';
import type { Log } from '../../shared/logger';
import type { Silenced } from '../../shared/notify';
import { admit, type FloodDeps } from './flood';
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
}

export async function enrichAlert(alert: EcsAlert, deps: EnrichDeps): Promise<EcsEnrichment | Silenced> {
  const { cluster, service, kind, region, settings } = alert;
  const admission = deps.flood
    ? await admit(
        `${cluster}/${service}`,
        settings.windowMinutes,
        kind,
        region,
        (deps.now ?? Date.now)(),
        deps.flood,
      )
    : { admitted: true, folded: 0 };
  if (!admission.admitted) {
    deps.log.info('Alert folded into the open window', { cluster, ecsService: service, kind });
    return { silenced: 'folded into the open window' };
  }
  if (alert.type !== 'task') return { folding: admission, problems: [] };
  const { logs, problem } = await readTaskDefinitionLogs(alert.event.detail.taskDefinitionArn, deps);
  return { folding: admission, logs, problems: problem ? [problem] : [] };
}
