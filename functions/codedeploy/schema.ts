/**
 * CodeDeploy inputs: EventBridge `CodeDeploy Deployment State-change Notification`, and the
 * message of a deployment group's SNS trigger, whose `deploymentOverview`, `errorInformation` and
 * `rollbackInformation` are JSON strings inside the JSON message and whose dates read
 * `Thu Oct 13 15:50:45 UTC 2022`. model.ts turns both into a `DeploymentChange`.
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
