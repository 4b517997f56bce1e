/**
 * What the codedeploy describer reads: both input forms as one `DeploymentChange` (with the
 * environment its deployment group belongs to), and what enrichment found.
 */
import { environmentOf } from '../../shared/routing/route';
import type { RoutingConfig } from '../../shared/routing/schema';
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

function changeOf(input: CodeDeployInput): DeploymentChange {
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
        Object.entries(input.deploymentOverview).filter(
          (e): e is [string, number] => typeof e[1] === 'number',
        ),
      )
    : undefined;
  return {
    application: input.applicationName,
    deploymentGroup: input.deploymentGroupName,
    deploymentId: input.deploymentId,
    region: input.region,
    account: input.accountId,
    state: STATES[input.status] ?? 'other',
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

export function modelsOf(input: CodeDeployInput, routing: RoutingConfig): DeploymentChange[] {
  const change = changeOf(input);
  return [{ ...change, environment: environmentOf(change.deploymentGroup, routing) }];
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
  failedLifecycleEvent?: LifecycleProblem;
  taskSets: TaskSet[];
  problems: string[];
}
