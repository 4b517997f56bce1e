/**
 * ECS events: `ECS Task State Change` (cpu/memory as strings; stopped containers may lack
 * `reason`, running ones `exitCode`), `ECS Deployment State Change` and `ECS Service Action` (no
 * `version`; the service is named only in `resources[0]`), ECS events Herald deliberately ignores
 * (container instances), and the flood gate's schedule.
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwe_events.html
 */
import * as z from 'zod/mini';
import { eventBridgeEnvelope, maybeString, numberish } from '../../shared/input/schema';

const common = { ...eventBridgeEnvelope, source: z.literal('aws.ecs') };

const taskSchema = z.object({
  ...common,
  'detail-type': z.literal('ECS Task State Change'),
  detail: z.object({
    clusterArn: z.string(),
    taskArn: z.string(),
    taskDefinitionArn: z.string(),
    lastStatus: z.string(),
    desiredStatus: maybeString,
    group: maybeString,
    startedBy: maybeString,
    stopCode: maybeString,
    stoppedReason: maybeString,
    stoppedAt: maybeString,
    startedAt: maybeString,
    launchType: maybeString,
    capacityProviderName: maybeString,
    version: z.optional(z.nullable(numberish)),
    containers: z.optional(
      z.array(
        z.object({
          name: z.string(),
          exitCode: z.optional(z.nullable(numberish)),
          reason: maybeString,
          lastStatus: maybeString,
          healthStatus: maybeString,
          image: maybeString,
        }),
      ),
    ),
  }),
});

const deploymentSchema = z.object({
  ...common,
  'detail-type': z.literal('ECS Deployment State Change'),
  detail: z.object({
    eventType: z.string(),
    eventName: z.string(),
    deploymentId: maybeString,
    reason: maybeString,
    updatedAt: maybeString,
  }),
});

const serviceActionSchema = z.object({
  ...common,
  'detail-type': z.literal('ECS Service Action'),
  detail: z.object({
    eventType: z.string(),
    eventName: z.string(),
    clusterArn: maybeString,
    reason: maybeString,
    createdAt: maybeString,
    capacityProviderArns: z.optional(z.array(z.string())),
  }),
});

/** Known ECS events that are never alerts. */
const ignoredSchema = z.object({
  ...common,
  'detail-type': z.enum(['ECS Container Instance State Change', 'AWS API Call via CloudTrail']),
});

/** Herald's own schedule (every 5 minutes): report the folded runs nobody reported yet. */
export const scheduleSchema = z.object({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
  time: maybeString,
});

export const ecsInputSchema = z.union([taskSchema, deploymentSchema, serviceActionSchema, ignoredSchema]);
export type EcsInput = z.infer<typeof ecsInputSchema>;
export type TaskEvent = z.infer<typeof taskSchema>;
export type DeploymentEvent = z.infer<typeof deploymentSchema>;
export type ServiceActionEvent = z.infer<typeof serviceActionSchema>;
