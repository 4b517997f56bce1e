/**
 * What starts the digest: EventBridge Scheduler's input (serverless.yml gives it the scheduled
 * time), or an EventBridge `Scheduled Event`; either way, `time` is the digest's moment.
 */
import * as z from 'zod/mini';

export const digestTriggerSchema = z.object({
  source: z.enum(['herald.metrics', 'aws.events', 'aws.scheduler']),
  'detail-type': z.optional(z.string()),
  time: z.optional(z.string()),
});
export type DigestTrigger = z.infer<typeof digestTriggerSchema>;
