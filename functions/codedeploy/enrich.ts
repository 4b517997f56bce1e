/**
 * The reads that make a deployment message useful: GetDeployment (status, error, rollback,
 * creator, blue/green termination wait, the task definition in the AppSpec), the task definition's
 * image (ECS DescribeTaskDefinition), and for failures and traffic shifts the ECS deployment target
 * (the failed lifecycle hook with its diagnostics, the task sets). A failed read leaves its part out.
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  BatchGetDeploymentTargetsCommand,
  GetDeploymentCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsErrorName } from '../../shared/aws/clients';
import type { Log } from '../../shared/logger';
import type { DeploymentChange, DeploymentDetails, DeploymentEnrichment } from './model';

export interface EnrichDeps {
  codeDeploy: Pick<CodeDeployClient, 'send'>;
  ecs: Pick<ECSClient, 'send'>;
  log: Log;
}

const TARGET_STATES = new Set(['failed', 'ready', 'stopped', 'rolled-back']);

/** Reads `TaskDefinition`, `ContainerName`, `ContainerPort` from an ECS AppSpec, YAML or JSON. */
function readAppSpec(content: string): {
  taskDefinition?: string;
  containerName?: string;
  containerPort?: number;
} {
  const field = (name: string) =>
    new RegExp(`["']?${name}["']?\\s*:\\s*["']?([^"'\\s,}]+)`).exec(content)?.[1];
  const port = field('ContainerPort');
  return {
    taskDefinition: field('TaskDefinition'),
    containerName: field('ContainerName'),
    containerPort: port && /^\d+$/.test(port) ? Number(port) : undefined,
  };
}

export async function enrichDeployment(
  change: DeploymentChange,
  deps: EnrichDeps,
): Promise<DeploymentEnrichment> {
  const result: DeploymentEnrichment = { taskSets: [], problems: [] };
  const fail = (what: string) => (error: unknown) => {
    result.problems.push(`${what} (${awsErrorName(error)})`);
    deps.log.warn(`Reading ${what} failed; the message will say less`, { error: awsErrorName(error) });
  };

  const targets = TARGET_STATES.has(change.state)
    ? readTarget(change.deploymentId, deps, result).catch(fail('deployment target'))
    : Promise.resolve();
  const details = await readDeployment(change.deploymentId, deps).catch(fail('deployment details'));
  if (details) result.details = details;
  const image = details?.taskDefinition
    ? readImage(details.taskDefinition, details.containerName, deps)
        .then((found) => {
          result.image = found;
        })
        .catch(fail('task definition'))
    : Promise.resolve();
  await Promise.all([targets, image]);
  result.problems.sort();
  return result;
}

async function readDeployment(deploymentId: string, deps: EnrichDeps): Promise<DeploymentDetails> {
  const { deploymentInfo: info } = await deps.codeDeploy.send(new GetDeploymentCommand({ deploymentId }));
  if (!info)
    throw Object.assign(new Error(`deployment ${deploymentId} not found`), {
      name: 'DeploymentDoesNotExistException',
    });
  const appSpec = info.revision?.appSpecContent?.content
    ? readAppSpec(info.revision.appSpecContent.content)
    : {};
  const terminate = info.blueGreenDeploymentConfiguration?.terminateBlueInstancesOnDeploymentSuccess;
  return {
    status: info.status,
    creator: info.creator,
    description: info.description,
    deploymentConfig: info.deploymentConfigName,
    error: info.errorInformation
      ? { code: info.errorInformation.code, message: info.errorInformation.message }
      : undefined,
    rollback: info.rollbackInfo
      ? {
          deploymentId: info.rollbackInfo.rollbackDeploymentId,
          triggeredBy: info.rollbackInfo.rollbackTriggeringDeploymentId,
          message: info.rollbackInfo.rollbackMessage,
        }
      : undefined,
    createTime: info.createTime?.toISOString(),
    completeTime: info.completeTime?.toISOString(),
    termination: terminate?.action
      ? { action: terminate.action, waitMinutes: terminate.terminationWaitTimeInMinutes ?? 0 }
      : undefined,
    terminationWaitStarted: info.instanceTerminationWaitTimeStarted,
    ...appSpec,
    statusMessages: info.deploymentStatusMessages ?? [],
  };
}

async function readTarget(
  deploymentId: string,
  deps: EnrichDeps,
  result: DeploymentEnrichment,
): Promise<void> {
  const { targetIds = [] } = await deps.codeDeploy.send(new ListDeploymentTargetsCommand({ deploymentId }));
  if (targetIds.length === 0) return;
  const { deploymentTargets = [] } = await deps.codeDeploy.send(
    new BatchGetDeploymentTargetsCommand({ deploymentId, targetIds: targetIds.slice(0, 25) }),
  );
  for (const target of deploymentTargets) {
    const ecs = target.ecsTarget;
    if (!ecs) continue;
    const failed = ecs.lifecycleEvents?.find((event) => event.status === 'Failed');
    if (failed && !result.failedLifecycleEvent) {
      result.failedLifecycleEvent = {
        name: failed.lifecycleEventName ?? 'unknown',
        status: failed.status ?? 'Failed',
        errorCode: failed.diagnostics?.errorCode,
        message: failed.diagnostics?.message,
        logTail: failed.diagnostics?.logTail,
      };
    }
    for (const set of ecs.taskSetsInfo ?? []) {
      result.taskSets.push({
        label: set.taskSetLabel ?? set.identifer ?? 'task set',
        status: set.status,
        running: set.runningCount,
        desired: set.desiredCount,
        trafficWeight: set.trafficWeight,
      });
    }
  }
}

async function readImage(
  taskDefinition: string,
  containerName: string | undefined,
  deps: EnrichDeps,
): Promise<string | undefined> {
  const { taskDefinition: definition } = await deps.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition }),
  );
  const containers = definition?.containerDefinitions ?? [];
  const container =
    containers.find((c) => c.name === containerName) ?? containers.find((c) => c.essential !== false);
  return container?.image;
}
