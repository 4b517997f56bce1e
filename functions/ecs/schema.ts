/**
 * ECS events: `ECS Task State Change` (cpu/memory as strings; stopped containers may lack
 * `reason`, running ones `exitCode`), `ECS Deployment State Change` and `ECS Service Action` (no
 * `version`; the service is named only in `resources[0]`), ECS events Herald deliberately ignores
 * (container instances), and the flood gate's schedule.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 */
import * as v from 'valibot';
import { eventBridgeEnvelope, maybeString, numberish } from '../../shared/input/schema';

const common = { ...eventBridgeEnvelope, source: v.literal('aws.ecs') };

const taskSchema = v.object({
  ...common,
  'detail-type': v.literal('ECS Task State Change'),
  detail: v.object({
    clusterArn: v.string(),
    taskArn: v.string(),
    taskDefinitionArn: v.string(),
    lastStatus: v.string(),
    desiredStatus: maybeString,
    group: maybeString,
    startedBy: maybeString,
    stopCode: maybeString,
    stoppedReason: maybeString,
    stoppedAt: maybeString,
    startedAt: maybeString,
    launchType: maybeString,
    capacityProviderName: maybeString,
    version: v.optional(v.nullable(numberish)),
    containers: v.optional(
      v.array(
        v.object({
          name: v.string(),
          exitCode: v.optional(v.nullable(numberish)),
          reason: maybeString,
          lastStatus: maybeString,
          healthStatus: maybeString,
          image: maybeString,
        }),
      ),
    ),
  }),
});

const deploymentSchema = v.object({
  ...common,
  'detail-type': v.literal('ECS Deployment State Change'),
  detail: v.object({
    eventType: v.string(),
    eventName: v.string(),
    deploymentId: maybeString,
    reason: maybeString,
    updatedAt: maybeString,
  }),
});

const serviceActionSchema = v.object({
  ...common,
  'detail-type': v.literal('ECS Service Action'),
  detail: v.object({
    eventType: v.string(),
    eventName: v.string(),
    clusterArn: maybeString,
    reason: maybeString,
    createdAt: maybeString,
    capacityProviderArns: v.optional(v.array(v.string())),
  }),
});

/** Known ECS events that are never alerts. */
const ignoredSchema = v.object({
  ...common,
  'detail-type': v.picklist(['ECS Container Instance State Change', 'AWS API Call via CloudTrail']),
});

/** Herald's own schedule (every 5 minutes): report the folded runs nobody reported yet. */
export const scheduleSchema = v.object({
  source: v.literal('aws.events'),
  'detail-type': v.literal('Scheduled Event'),
  time: maybeString,
});

export const ecsInputSchema = v.union([taskSchema, deploymentSchema, serviceActionSchema, ignoredSchema]);
export type EcsInput = v.InferOutput<typeof ecsInputSchema>;
export type TaskEvent = v.InferOutput<typeof taskSchema>;
export type DeploymentEvent = v.InferOutput<typeof deploymentSchema>;
export type ServiceActionEvent = v.InferOutput<typeof serviceActionSchema>;
