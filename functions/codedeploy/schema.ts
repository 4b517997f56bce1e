/**
 * CodeDeploy inputs: EventBridge `CodeDeploy Deployment State-change Notification`, and the
 * message of a deployment group's SNS trigger, whose `deploymentOverview`, `errorInformation` and
 * `rollbackInformation` are JSON strings inside the JSON message and whose dates read
 * `Thu Oct 13 15:50:45 UTC 2022`. model.ts turns both into a `DeploymentChange`.
 * EventBridge: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 * SNS triggers: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications.html
 */
import * as z from 'zod/mini';
import { maybeString } from '../../shared/input/schema';

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

/**
 * A JSON document: carried as a string in captured triggers, as an object in the format the
 * CodeDeploy User Guide documents. Unreadable text becomes undefined, not an error.
 */
const jsonDocument = z.optional(
  z.pipe(
    z.nullable(z.union([z.string(), z.record(z.string(), z.unknown())])),
    z.transform((value): Record<string, unknown> | undefined => {
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
  deploymentOverview: jsonDocument,
  errorInformation: jsonDocument,
  rollbackInformation: jsonDocument,
});

/** CodeDeploy events about one instance (EC2/on-premises): known, not announced by default. */
const instanceEventSchema = z.object({
  'detail-type': z.literal('CodeDeploy Instance State-change Notification'),
  source: z.literal('aws.codedeploy'),
  account: z.string(),
  region: z.string(),
  time: maybeString,
  detail: z.object({
    application: maybeString,
    deploymentGroup: maybeString,
    deploymentId: z.string(),
    instanceId: z.string(),
    state: z.string(),
  }),
});

/** The instance-based SNS trigger: `instanceId`, `instanceStatus`, no application or group. */
const instanceTriggerSchema = z.object({
  region: z.string(),
  accountId: z.string(),
  deploymentId: z.string(),
  instanceId: z.string(),
  instanceStatus: z.string(),
  lastUpdatedAt: maybeString,
});

export const codeDeployInputSchema = z.union([
  eventBridgeSchema,
  triggerSchema,
  instanceEventSchema,
  instanceTriggerSchema,
]);
export type CodeDeployInput = z.infer<typeof codeDeployInputSchema>;
