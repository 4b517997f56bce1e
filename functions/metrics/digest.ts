/**
 * The digest's one pass: the release history of the last 8 weeks (one Query of the state table's
 * ByTime index), each watched pipeline routed as a `herald:metrics.digest` notice of that pipeline
 * would be (mute it to turn the digest off for a channel), and one digest per channel.
 */
import * as v from 'valibot';
import { dynamoClient } from '../../shared/aws/clients';
import { type ClaimsAhead, claimChannelsAhead, sendToChannels } from '../../shared/flow/notify';
import { followsPipeline, type Runtime } from '../../shared/flow/runtime';
import { pipelinesOf, WEEK } from '../../shared/metrics/figures';
import type { Notice } from '../../shared/notice/notice';
import { routeNotice } from '../../shared/routing/route';
import { fingerprint } from '../../shared/state/delivery-log';
import { readHistory } from '../../shared/state/history';
import { describeDigest, SPARK_WEEKS } from './describe';
import { digestTriggerSchema } from './schema';

/** A digest notice with nothing in it: for its routing, and its delivery ids. */
function probeOf(pipeline?: string): Notice {
  return {
    source: 'herald',
    kind: 'metrics.digest',
    severity: 'info',
    title: '',
    facts: [],
    details: [],
    links: [],
    context: [],
    correlation: {},
    scope: pipeline ? { pipeline } : {},
  };
}

/** The channels a digest of `pipeline` goes to (of any pipeline, without one): as its notice would be routed. */
function channelsOf(pipeline: string | undefined, runtime: Runtime): { channels: string[]; reason?: string } {
  const routed = routeNotice(probeOf(pipeline), runtime.routing);
  return { channels: [...routed.channels.keys()], reason: routed.reason };
}

/**
 * The delivery id of part `part` of the digest scheduled at `at`: the schedule's, not its
 * content's, so that it is known before the history is read, and a retry whose history grew
 * meanwhile is still recognised (one digest per channel and week).
 */
function digestId(at: number, part: number): string {
  return fingerprint({ ...probeOf(), title: `part ${part + 1}`, occurredAt: new Date(at).toISOString() });
}

export async function postDigest(input: unknown, runtime: Runtime): Promise<number> {
  const { log } = runtime;
  const trigger = v.safeParse(digestTriggerSchema, input);
  if (!trigger.success) {
    log.error('Event could not be read', { source: 'metrics', problem: 'not a digest schedule' });
    return 0;
  }
  const time = Date.parse(trigger.output.time ?? '');
  const at = Number.isNaN(time) ? runtime.now() : time;
  const table = runtime.config.stateTable;
  if (!table) {
    log.info('Notice not sent', { source: 'herald', kind: 'metrics.digest', reason: 'no state table' });
    return 0;
  }
  // The secrets of the channels every pipeline's digest goes to are read while the history is, and
  // their first part's delivery claimed (given back where no digest goes).
  const everywhere = channelsOf(undefined, runtime).channels;
  runtime.destinations.warm(everywhere);
  const ahead = claimChannelsAhead(runtime, digestId(at, 0), everywhere);
  try {
    return await digestOf(at, table, runtime, ahead);
  } finally {
    await ahead?.releaseUnused();
  }
}

/** The history read, and each channel's digest delivered. */
async function digestOf(
  at: number,
  table: string,
  runtime: Runtime,
  ahead: ClaimsAhead | undefined,
): Promise<number> {
  const { log } = runtime;
  const history = await readHistory({ dynamo: dynamoClient(), table }, at - SPARK_WEEKS * WEEK, at);
  const follows = followsPipeline(runtime.config, runtime.routing);
  const byChannel = new Map<string, string[]>();
  for (const pipeline of pipelinesOf(history).filter(follows)) {
    const { channels, reason } = channelsOf(pipeline, runtime);
    if (channels.length === 0) log.debug('Notice not sent', { kind: 'metrics.digest', pipeline, reason });
    for (const channel of channels) byChannel.set(channel, [...(byChannel.get(channel) ?? []), pipeline]);
  }
  const region = process.env.AWS_REGION ?? 'us-east-1';
  let sent = 0;
  const failures: unknown[] = [];
  for (const [channel, pipelines] of byChannel) {
    for (const [part, notice] of describeDigest({ at, pipelines, history, region }).entries()) {
      try {
        await sendToChannels(runtime, notice, [channel], digestId(at, part), part === 0 ? ahead : undefined);
        sent++;
      } catch (error) {
        failures.push(error);
      }
    }
  }
  if (sent === 0 && failures.length === 0)
    log.info('Notice not sent', {
      source: 'herald',
      kind: 'metrics.digest',
      reason: history.length === 0 ? 'no release in the last 8 weeks' : 'no channel takes these pipelines',
      runs: history.length,
    });
  // Every channel was tried; a failure fails the invocation (its retry posts only where it failed).
  if (failures.length > 0) throw failures[0];
  return sent;
}
