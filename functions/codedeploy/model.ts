/**
 * What the codedeploy describer reads: both input forms as one `DeploymentChange` (with the
 * environment its deployment group belongs to), and what enrichment found.
 */

import { rollbackRuleFor } from '../../shared/decisions/rollbacks';
import { parseAwsDate } from '../../shared/input/time';
import { environmentOf } from '../../shared/routing/route';
import type { RollbackRule, RoutingConfig } from '../../shared/routing/schema';
import type { SlackDecision } from '../../shared/state/bake-window';
import type { CodeDeployInput } from './schema';

export type DeploymentState =
  | 'created'
  | 'started'
  | 'ready'
  | 'succeeded'
  | 'failed'
  | 'stopped'
  | 'rolled-back'
  | 'other';

export interface DeploymentChange {
  application: string;
  deploymentGroup: string;
  deploymentId: string;
  region: string;
  account: string;
  state: DeploymentState;
  /** The state as AWS wrote it (`SUCCESS`, `FAILED`, …), for unknown states and logs. */
  rawState: string;
  time?: string;
  createTime?: string;
  completeTime?: string;
  error?: { code?: string; message?: string };
  rollback?: { deploymentId?: string; message?: string; triggeredBy?: string };
  overview?: Record<string, number>;
  origin: 'eventbridge' | 'sns-trigger';
  /** The environment of its deployment group, by the routing config's patterns. */
  environment?: string;
  /** Who may roll it back or finish it from Slack during its bake window (none: no buttons). */
  rollbackRule?: RollbackRule;
}

const STATES: Record<string, DeploymentState> = {
  CREATED: 'created',
  START: 'started',
  IN_PROGRESS: 'started',
  READY: 'ready',
  SUCCESS: 'succeeded',
  SUCCEEDED: 'succeeded',
  FAILURE: 'failed',
  FAILED: 'failed',
  STOP: 'stopped',
  STOPPED: 'stopped',
  ROLLBACK: 'rolled-back',
};

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);

/** One instance of an EC2/on-premises deployment: known, muted by default (`codedeploy:instance.*`). */
export interface InstanceChange {
  type: 'instance';
  deploymentId: string;
  instanceId: string;
  /** As AWS wrote it (`SUCCESS`, `Failed`, …). */
  rawState: string;
  region: string;
  account: string;
  application?: string;
  deploymentGroup?: string;
  time?: string;
}

export type CodeDeployModel = DeploymentChange | InstanceChange;

export function isInstance(model: CodeDeployModel): model is InstanceChange {
  return 'type' in model && model.type === 'instance';
}

/** A count that may arrive as a string (`"10"` in the User Guide's format). */
function count(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

function changeOf(input: CodeDeployInput): CodeDeployModel {
  if ('instanceId' in input) {
    return {
      type: 'instance',
      deploymentId: input.deploymentId,
      instanceId: input.instanceId,
      rawState: input.instanceStatus,
      region: input.region,
      account: input.accountId,
      time: input.lastUpdatedAt,
    };
  }
  if ('detail-type' in input && input['detail-type'] === 'CodeDeploy Instance State-change Notification') {
    const d = input.detail;
    return {
      type: 'instance',
      deploymentId: d.deploymentId,
      instanceId: d.instanceId,
      rawState: d.state,
      region: input.region,
      account: input.account,
      application: d.application,
      deploymentGroup: d.deploymentGroup,
      time: input.time,
    };
  }
  if ('detail' in input) {
    const d = input.detail;
    return {
      application: d.application,
      deploymentGroup: d.deploymentGroup,
      deploymentId: d.deploymentId,
      region: d.region ?? input.region,
      account: input.account,
      state: STATES[d.state] ?? 'other',
      rawState: d.state,
      time: input.time,
      origin: 'eventbridge',
    };
  }
  const error = input.errorInformation;
  const rollback = input.rollbackInformation;
  const overview = input.deploymentOverview
    ? Object.fromEntries(
        Object.entries(input.deploymentOverview).flatMap(([key, value]) => {
          const n = count(value);
          return n === undefined ? [] : [[key, n]];
        }),
      )
    : undefined;
  return {
    application: input.applicationName,
    deploymentGroup: input.deploymentGroupName,
    deploymentId: input.deploymentId,
    region: input.region,
    account: input.accountId,
    // `FAILED` in captured triggers, `Failed` in the User Guide's format.
    state: STATES[input.status.toUpperCase()] ?? 'other',
    rawState: input.status,
    time: input.completeTime ?? input.createTime,
    createTime: input.createTime,
    completeTime: input.completeTime,
    error:
      error && (text(error.ErrorCode) || text(error.ErrorMessage))
        ? { code: text(error.ErrorCode), message: text(error.ErrorMessage) }
        : undefined,
    rollback:
      rollback && (text(rollback.RollbackDeploymentId) || text(rollback.RollbackMessage))
        ? {
            deploymentId: text(rollback.RollbackDeploymentId),
            message: text(rollback.RollbackMessage),
            triggeredBy: text(rollback.RollbackTriggeringDeploymentId),
          }
        : undefined,
    overview,
    origin: 'sns-trigger',
  };
}

export function modelsOf(input: CodeDeployInput, routing: RoutingConfig): CodeDeployModel[] {
  const change = changeOf(input);
  if (isInstance(change)) return [change];
  const rollbackRule = rollbackRuleFor(change, routing);
  return [
    {
      ...change,
      environment: environmentOf(change.deploymentGroup, routing),
      ...(rollbackRule ? { rollbackRule } : {}),
    },
  ];
}

const ROLLBACK_CREATORS = new Set(['codeDeployRollback', 'CloudFormationRollback']);

/** A deployment CodeDeploy (or CloudFormation) created to roll another one back. */
export function isRollbackDeployment(details: DeploymentDetails | undefined): boolean {
  return details?.creator !== undefined && ROLLBACK_CREATORS.has(details.creator);
}

/**
 * The bake window of a traffic shift that keeps the original task set (`TERMINATE` after a wait):
 * when traffic shifted (the event's time) and when the original goes. None for other deployments.
 */
export function bakeWindowOf(
  change: DeploymentChange,
  details: DeploymentDetails | undefined,
): { shifted: Date; until: Date; minutes: number } | undefined {
  const termination = details?.termination;
  const shifted = parseAwsDate(change.time);
  if (change.state !== 'ready' || termination?.action !== 'TERMINATE' || termination.waitMinutes <= 0) return;
  if (!shifted) return undefined;
  const minutes = termination.waitMinutes;
  return { shifted, until: new Date(shifted.getTime() + minutes * 60_000), minutes };
}

export interface DeploymentDetails {
  status?: string;
  creator?: string;
  description?: string;
  deploymentConfig?: string;
  error?: { code?: string; message?: string };
  rollback?: { deploymentId?: string; triggeredBy?: string; message?: string };
  createTime?: string;
  completeTime?: string;
  /** Blue/green: what happens to the original task set after success, and after how long. */
  termination?: { action: string; waitMinutes: number };
  terminationWaitStarted?: boolean;
  taskDefinition?: string;
  containerName?: string;
  containerPort?: number;
  statusMessages: string[];
}

interface LifecycleProblem {
  name: string;
  status: string;
  errorCode?: string;
  message?: string;
  logTail?: string;
}

interface TaskSet {
  label: string;
  status?: string;
  running?: number;
  desired?: number;
  trafficWeight?: number;
}

export interface DeploymentEnrichment {
  details?: DeploymentDetails;
  image?: string;
  /** Blue/green on ECS: the service, and the task definition of the original task set. */
  service?: { cluster: string; name: string };
  original?: string;
  /** A roll back / finish now made from Slack about this deployment (or the one it rolls back). */
  slackDecision?: SlackDecision;
  failedLifecycleEvent?: LifecycleProblem;
  taskSets: TaskSet[];
  problems: string[];
}
