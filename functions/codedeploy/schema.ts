/**
 * CodeDeploy inputs: EventBridge `CodeDeploy Deployment State-change Notification`, and the
 * message of a deployment group's SNS trigger, whose `deploymentOverview`, `errorInformation` and
 * `rollbackInformation` are JSON strings inside the JSON message and whose dates read
 * `Thu Oct 13 15:50:45 UTC 2022`. Both become a `DeploymentChange`.
 * EventBridge: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 * SNS triggers: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications.html
 */
import * as z from 'zod/mini';
import { maybeString } from '../../shared/schema';

const eventBridgeSchema = z.object({
  'detail-type': z.literal('CodeDeploy Deployment State-change Notification'),
  source: z.literal('aws.codedeploy'),
  account: z.string(),
  region: z.string(),
  time: maybeString,
  detail: z.object({
    application: z.string(),
    deploymentGroup: z.string(),
    deploymentId: z.string(),
    state: z.string(),
    region: maybeString,
  }),
});

/** A JSON document carried as a string; unreadable text becomes undefined, not an error. */
const jsonString = z.optional(
  z.pipe(
    z.nullable(z.string()),
    z.transform((text): Record<string, unknown> | undefined => {
      if (!text) return undefined;
      try {
        const value: unknown = JSON.parse(text);
        return value && typeof value === 'object' && !Array.isArray(value)
          ? (value as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    }),
  ),
);

const triggerSchema = z.object({
  region: z.string(),
  accountId: z.string(),
  eventTriggerName: maybeString,
  applicationName: z.string(),
  deploymentGroupName: z.string(),
  deploymentId: z.string(),
  createTime: maybeString,
  completeTime: maybeString,
  status: z.string(),
  deploymentOverview: jsonString,
  errorInformation: jsonString,
  rollbackInformation: jsonString,
});

export const codeDeployInputSchema = z.union([eventBridgeSchema, triggerSchema]);
export type CodeDeployInput = z.infer<typeof codeDeployInputSchema>;

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

export function changeOf(input: CodeDeployInput): DeploymentChange {
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
