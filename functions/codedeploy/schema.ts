/**
 * CodeDeploy inputs: EventBridge `CodeDeploy Deployment State-change Notification`, and the
 * message of a deployment group's SNS trigger, whose `deploymentOverview`, `errorInformation` and
 * `rollbackInformation` are JSON strings inside the JSON message and whose dates read
 * `Thu Oct 13 15:50:45 UTC 2022`. model.ts turns both into a `DeploymentChange`.
 * EventBridge: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 * SNS triggers: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications.html
 */
import * as v from 'valibot';
import { maybeString } from '../../shared/input/schema';

const eventBridgeSchema = v.object({
  'detail-type': v.literal('CodeDeploy Deployment State-change Notification'),
  source: v.literal('aws.codedeploy'),
  account: v.string(),
  region: v.string(),
  time: maybeString,
  detail: v.object({
    application: v.string(),
    deploymentGroup: v.string(),
    deploymentId: v.string(),
    state: v.string(),
    region: maybeString,
  }),
});

/**
 * A JSON document: carried as a string in captured triggers, as an object in the format the
 * CodeDeploy User Guide documents. Unreadable text becomes undefined, not an error.
 */
const jsonDocument = v.optional(
  v.pipe(
    v.nullable(v.union([v.string(), v.record(v.string(), v.unknown())])),
    v.transform((value): Record<string, unknown> | undefined => {
      if (!value) return undefined;
      if (typeof value !== 'string') return value;
      try {
        const parsed: unknown = JSON.parse(value);
        return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
          ? (parsed as Record<string, unknown>)
          : undefined;
      } catch {
        return undefined;
      }
    }),
  ),
);

const triggerSchema = v.object({
  region: v.string(),
  accountId: v.string(),
  eventTriggerName: maybeString,
  applicationName: v.string(),
  deploymentGroupName: v.string(),
  deploymentId: v.string(),
  createTime: maybeString,
  completeTime: maybeString,
  status: v.string(),
  deploymentOverview: jsonDocument,
  errorInformation: jsonDocument,
  rollbackInformation: jsonDocument,
});

/** CodeDeploy events about one instance (EC2/on-premises): known, not announced by default. */
const instanceEventSchema = v.object({
  'detail-type': v.literal('CodeDeploy Instance State-change Notification'),
  source: v.literal('aws.codedeploy'),
  account: v.string(),
  region: v.string(),
  time: maybeString,
  detail: v.object({
    application: maybeString,
    deploymentGroup: maybeString,
    deploymentId: v.string(),
    instanceId: v.string(),
    state: v.string(),
  }),
});

/** The instance-based SNS trigger: `instanceId`, `instanceStatus`, no application or group. */
const instanceTriggerSchema = v.object({
  region: v.string(),
  accountId: v.string(),
  deploymentId: v.string(),
  instanceId: v.string(),
  instanceStatus: v.string(),
  lastUpdatedAt: maybeString,
});

export const codeDeployInputSchema = v.union([
  eventBridgeSchema,
  triggerSchema,
  instanceEventSchema,
  instanceTriggerSchema,
]);
export type CodeDeployInput = v.InferOutput<typeof codeDeployInputSchema>;
