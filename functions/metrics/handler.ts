/**
 * The weekly delivery digest → Slack: each watched pipeline's DORA figures, per channel.
 * Trigger: EventBridge Scheduler (weekly, Monday 09:00 in the routing file's time zone by default;
 * `digest` in the routing file), with the scheduled time as `time`.
 */
import type { Context } from 'aws-lambda';
import { createRuntime } from '../../shared/flow/runtime';
import { withHerald } from '../../shared/lambda/middleware';
import { postDigest } from './digest';

async function handleDigest(input: unknown, context: Context): Promise<void> {
  await postDigest(input, createRuntime(context));
}

export const handler = withHerald('metrics', handleDigest);
