/**
 * Where a stopped task's logs are: the `awslogs` options of its task definition
 * (DescribeTaskDefinition, cached per revision for the life of the container, since revisions never
 * change). Without them the message links the task's console page instead.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsErrorName } from '../../shared/aws/clients';
import type { Log } from '../../shared/logger';

export interface ContainerLogs {
  group: string;
  region?: string;
  streamPrefix?: string;
}

export interface TaskDefinitionLogs {
  containers: Record<string, ContainerLogs>;
  essential: string[];
}

const cache = new Map<string, TaskDefinitionLogs>();

export function clearTaskDefinitionCacheForTests(): void {
  cache.clear();
}

export async function readTaskDefinitionLogs(
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
