/**
 * What starts the digest: EventBridge Scheduler's input (serverless.yml gives it the scheduled
 * time), or an EventBridge `Scheduled Event`; either way, `time` is the digest's moment.
 */
import * as v from 'valibot';

export const digestTriggerSchema = v.object({
  source: v.picklist(['herald.metrics', 'aws.events', 'aws.scheduler']),
  'detail-type': v.optional(v.string()),
  time: v.optional(v.string()),
});
export type DigestTrigger = v.InferOutput<typeof digestTriggerSchema>;
