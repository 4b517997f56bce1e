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
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import type { ECSClient } from '@aws-sdk/client-ecs';
import { DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { awsErrorName } from '../../shared/aws/clients';
import { afterwards } from '../../shared/lambda/afterwards';
import type { Log } from '../../shared/lambda/logger';
import { type PipelineDeps, pipelinesOf } from '../../shared/releases/pipelines';
import { readDecision, recordBakeWindow } from '../../shared/state/bake-window';
import { recordHistory } from '../../shared/state/history';
import { deployRunner } from '../../shared/state/pipelines';
import { readLink } from '../../shared/state/releases';
import { recordProd } from '../../shared/state/ships';
import type { TableDeps } from '../../shared/state/table';
import {
  bakeWindowOf,
  type DeploymentChange,
  type DeploymentDetails,
  type DeploymentEnrichment,
  isRollbackDeployment,
} from './model';

export interface EnrichDeps {
  codeDeploy: Pick<CodeDeployClient, 'send'>;
  ecs: Pick<ECSClient, 'send'>;
  log: Log;
  /** Herald's state table: the bake window is kept there, and decisions made from Slack read. */
  state?: TableDeps;
  /** What Herald knows of the watched pipelines: which one deploys to a group (prod's record). */
  pipelines?: PipelineDeps;
}

/** States whose message says whether a decision from Slack led to them. */
const DECIDED_STATES = new Set(['stopped', 'rolled-back', 'succeeded', 'failed']);

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
  // The decision about this deployment is read beside its details (a rollback deployment's is about
  // the deployment it rolls back, known from them: read after).
  const thisDecision =
    DECIDED_STATES.has(change.state) && deps.state
      ? readDecision(change.deploymentId, deps.state)
      : undefined;
  // Unused when the deployment is a rollback: its failure then is nobody's to tell.
  thisDecision?.catch(() => undefined);
  const details = await readDeployment(change.deploymentId, deps).catch(fail('deployment details'));
  if (details) result.details = details;
  const image = details?.taskDefinition
    ? readImage(details.taskDefinition, details.containerName, deps)
        .then((found) => {
          result.image = found;
        })
        .catch(fail('task definition'))
    : Promise.resolve();
  const original = bakeWindowOf(change, result.details)
    ? readOriginal(change, deps)
        .then((found) => {
          result.original = found;
        })
        .catch(fail('original task definition'))
    : Promise.resolve();
  const decision = decisionAbout(change, result.details);
  const decided =
    decision && deps.state
      ? (decision === change.deploymentId && thisDecision ? thisDecision : readDecision(decision, deps.state))
          .then((found) => {
            result.slackDecision = found;
          })
          .catch(fail('decision from Slack'))
      : Promise.resolve();
  await Promise.all([targets, image, original, decided]);
  result.problems.sort();
  return result;
}

/**
 * What a traffic shift tells other notices, recorded whatever routing says: the bake window (which
 * revision is new in which service, until when a rollback can go back to the original; the ecs
 * function marks its alerts). Its reads are the message's own: they go on to the describer.
 */
export async function recordDeployment(
  change: DeploymentChange,
  deps: EnrichDeps,
  /** A notice that goes nowhere reads only what the window needs, not the message's other reads. */
  routed = true,
): Promise<DeploymentEnrichment | undefined> {
  if (change.state !== 'ready') {
    // A rollback of prod goes into the history whatever routing says; elsewhere nothing to record.
    if (!routed && change.environment !== 'prod') return undefined;
    const result = await recordRollback(change, deps);
    return routed ? result : undefined;
  }
  if (!deps.state) return undefined;
  const result = routed ? await enrichDeployment(change, deps) : await readForWindow(change, deps);
  await keepBakeWindow(change, result, deps).catch((error: unknown) => {
    result.problems.push(`bake window record (${awsErrorName(error)})`);
    result.problems.sort();
    deps.log.warn(
      'Could not record the bake window; ECS alerts of the new revision will not offer Roll back',
      {
        error: awsErrorName(error),
      },
    );
  });
  return routed ? result : undefined;
}

/**
 * A rollback of prod that has run: prod's last failure, for the risk signal of the pipelines that
 * deploy to its group (and who started it from Slack). Its reads are the message's own.
 */
async function recordRollback(
  change: DeploymentChange,
  deps: EnrichDeps,
): Promise<DeploymentEnrichment | undefined> {
  if (!deps.pipelines || !['succeeded', 'failed', 'stopped'].includes(change.state)) return undefined;
  const result = await enrichDeployment(change, deps);
  if (!isRollbackDeployment(result.details) || change.environment !== 'prod') return result;
  const at = result.details?.completeTime ?? change.time ?? new Date().toISOString();
  const by =
    result.slackDecision?.name ??
    (result.details?.creator === 'codeDeployRollback' ? 'CodeDeploy (automatic rollback)' : undefined);
  const pipelines = deps.pipelines;
  // For later notices and the figures only: off this message's way to Slack.
  afterwards('the rollback of prod', async () => {
    const runs = await pipelinesOf(deployRunner(change.application, change.deploymentGroup), pipelines);
    for (const pipeline of new Set(runs.map((run) => run.pipeline))) {
      await recordProd(
        pipeline,
        { lastFailure: { at, how: 'rolled back', ...(by ? { by } : {}) } },
        pipelines,
      ).catch((error: unknown) =>
        deps.log.warn("Prod's rollback not recorded", { error: awsErrorName(error) }),
      );
      await recordRollbackHistory(pipeline, change, result.details, by, pipelines).catch((error: unknown) =>
        deps.log.warn('Rollback not recorded in the release history', { error: awsErrorName(error) }),
      );
    }
  });
  return result;
}

/**
 * The release a rollback rolled back (its triggering deployment's run: the link correlation kept,
 * else one ListActionExecutions): when it was rolled back, by whom, and, once the rollback has
 * succeeded, when prod ran the previous revision again.
 */
async function recordRollbackHistory(
  pipeline: string,
  change: DeploymentChange,
  details: DeploymentDetails | undefined,
  by: string | undefined,
  deps: PipelineDeps,
): Promise<void> {
  const rolledBack = details?.rollback?.triggeredBy;
  if (!rolledBack) return;
  const run = (await readLink(rolledBack, deps)) ?? (await deps.reader?.findActionRun(pipeline, rolledBack));
  if (!run || run.pipeline !== pipeline) return;
  const eventAt = Date.parse(change.time ?? '');
  const started = Date.parse(details?.createTime ?? '') || eventAt;
  if (Number.isNaN(started)) return;
  await recordHistory(
    pipeline,
    run.executionId,
    { kind: 'rolled-back', at: started, ...(by ? { by } : {}) },
    deps,
  );
  const ended = Date.parse(details?.completeTime ?? '') || eventAt;
  if (change.state === 'succeeded' && !Number.isNaN(ended))
    await recordHistory(pipeline, run.executionId, { kind: 'recovered', at: ended }, deps);
}

/** The deployment, and only when it keeps its original task set, its service and original revision. */
async function readForWindow(change: DeploymentChange, deps: EnrichDeps): Promise<DeploymentEnrichment> {
  const result: DeploymentEnrichment = { taskSets: [], problems: [] };
  result.details = await readDeployment(change.deploymentId, deps);
  if (!bakeWindowOf(change, result.details)) return result;
  const [, original] = await Promise.all([
    readTarget(change.deploymentId, deps, result),
    readOriginal(change, deps),
  ]);
  result.original = original;
  return result;
}

/** Which deployment a decision from Slack would be recorded under, for this event. */
function decisionAbout(change: DeploymentChange, details: DeploymentDetails | undefined): string | undefined {
  if (isRollbackDeployment(details)) return details?.rollback?.triggeredBy;
  return DECIDED_STATES.has(change.state) ? change.deploymentId : undefined;
}

/** The task definition of the group's last successful deployment: what the original task set runs. */
async function readOriginal(change: DeploymentChange, deps: EnrichDeps): Promise<string | undefined> {
  const { deploymentGroupInfo: group } = await deps.codeDeploy.send(
    new GetDeploymentGroupCommand({
      applicationName: change.application,
      deploymentGroupName: change.deploymentGroup,
    }),
  );
  const previous = group?.lastSuccessfulDeployment?.deploymentId;
  if (!previous || previous === change.deploymentId) return undefined;
  return (await readDeployment(previous, deps)).taskDefinition;
}

/** After a traffic shift that keeps the original task set: its window, unless a newer one stands. */
async function keepBakeWindow(change: DeploymentChange, result: DeploymentEnrichment, deps: EnrichDeps) {
  const window = bakeWindowOf(change, result.details);
  const taskDefinition = result.details?.taskDefinition;
  if (!window || !taskDefinition || !result.service || !deps.state) return;
  await recordBakeWindow(
    {
      cluster: result.service.cluster,
      service: result.service.name,
      deploymentId: change.deploymentId,
      application: change.application,
      deploymentGroup: change.deploymentGroup,
      taskDefinition,
      original: result.original,
      shiftedAt: window.shifted.toISOString(),
      until: window.until.toISOString(),
    },
    deps.state,
  );
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
    // `arn:aws:ecs:<region>:<account>:service/<cluster>/<service>`
    const [, cluster, name] = /:service\/([^/]+)\/([^/]+)$/.exec(ecs.targetArn ?? '') ?? [];
    if (cluster && name && !result.service) result.service = { cluster, name };
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
