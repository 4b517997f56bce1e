/**
 * One pass from a source's model to Slack. The notice drafted from the event alone is checked
 * first (muted or unrouted: no AWS read, no secret read); then the source enriches (while the
 * secrets of the draft's channels are read), describes the notice as it will be sent, and that
 * notice is routed once into destinations. Each destination goes claim → render → post → record
 * in `deliverOnce`, the one place of the delivery log's life-cycle.
 */
import { awsErrorName } from '../aws/clients';
import { afterwards, offTheWay } from '../lambda/afterwards';
import { type Log, logRenderFailure } from '../lambda/logger';
import type { Notice } from '../notice/notice';
import { readAhead } from '../releases/correlate';
import { deliverToRelease } from '../releases/deliver';
import { type RouteTo, routeNotice } from '../routing/route';
import { unwatched, watchOf } from '../routing/watch';
import { SlackPermanentError } from '../slack/attempts';
import { type Destination, isAppChannel } from '../slack/destinations';
import type { SlackMessage } from '../slack/message';
import { renderOrPlain } from '../slack/render';
import { type DeliveryLog, fingerprint } from '../state/delivery-log';
import type { Runtime } from './runtime';

/** What an enrichment says when, having looked, there is nothing to send (a folded ECS alert). */
export interface Silenced {
  silenced: string;
}

/** A source's pure describer, what it records for other notices, and its AWS reads. */
export interface Describer<M, X, R = never> {
  /** Without enrichment: the draft, from the event alone. */
  describe(model: M, enrichment?: X): Notice;
  /**
   * Side effects other notices depend on (the bake window, the flood gate), in a step of their
   * own before enrichment, whatever routing and muting decide (`routed` says which, for a side
   * effect that is about what is announced: a muted kind must not open a flood window that would
   * swallow the next real alert). What it read goes on to `enrich`; it may silence the notice.
   */
  record?(model: M, runtime: Runtime, routed: boolean): Promise<R | Silenced | undefined>;
  /**
   * Side effects that nothing in this invocation waits for (the release history), whatever routing
   * and muting decide: started with the pass (its reads may help it), its writes given to
   * `afterwards` (they start once the notice is delivered), finished before the invocation ends.
   * A fault is logged; the notice goes on.
   */
  alongside?(model: M, runtime: Runtime): Promise<void>;
  /** The reads that make the message useful (only for a notice that goes somewhere). */
  enrich(model: M, runtime: Runtime, recorded?: R): Promise<X | Silenced>;
}

export class PublishError extends Error {
  override name = 'PublishError';
}

/** Slack codes that mean "these blocks", not "this destination": worth one plain-text try. */
const BLOCK_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'invalid_attachments',
  'invalid_payload',
  'too_many_attachments',
]);

function isSilenced(value: unknown): value is Silenced {
  return typeof value === 'object' && value !== null && 'silenced' in value;
}

/** Why a notice stays unsent; a muted kind is expected (phase changes, spot notices…): debug level. */
function notSent(log: Log, notice: Notice, routed: { reason?: string; muted?: string }): void {
  const line = { kind: notice.kind, source: notice.source, reason: routed.reason ?? 'no route matches' };
  if (routed.muted) log.debug('Notice not sent', line);
  else log.info('Notice not sent', line);
}

export async function notify<M, X, R>(runtime: Runtime, model: M, source: Describer<M, X, R>): Promise<void> {
  const draft = source.describe(model);
  const refused = unwatched(draft, watchOf(runtime.config.watch, runtime.routing));
  if (refused) {
    notSent(runtime.log, draft, { reason: refused });
    return;
  }
  // Its reads start with the pass; withHerald waits for it, as for every `afterwards` work.
  if (source.alongside)
    afterwards(
      `what ${draft.kind} tells other notices`,
      source.alongside(model, runtime),
      'later notices and the figures miss it',
    );
  // The writes nothing here waits for start once the notice is delivered.
  await offTheWay(() => pass(runtime, model, source, draft));
}

/** The notice's way from its draft to Slack: record, route, enrich, send. */
async function pass<M, X, R>(
  runtime: Runtime,
  model: M,
  source: Describer<M, X, R>,
  draft: Notice,
): Promise<void> {
  const early = routeNotice(draft, runtime.routing);
  // App mode: the release the event names (or its links) is read while the notice is recorded and enriched.
  if (runtime.releases) readAhead(draft.release, runtime.releases);
  if (early.channels.size === 0) {
    const recorded = await record(runtime, model, source, draft, false);
    notSent(runtime.log, draft, isSilenced(recorded) ? { reason: recorded.silenced } : early);
    // App mode: a muted notice of a release still moves its card (from what its event says).
    if (!isSilenced(recorded)) await updateCards(runtime, draft, early.channels);
    return;
  }
  runtime.destinations.warm([...early.channels.keys()]);
  // Known by its draft, so that a retry whose AWS reads went differently is still recognised.
  const id = fingerprint(draft);
  const ahead = claimAhead(runtime, id, early.channels);
  try {
    const recorded = await record(runtime, model, source, draft, true);
    if (isSilenced(recorded)) {
      notSent(runtime.log, draft, { reason: recorded.silenced });
      return;
    }
    const enrichment = await source.enrich(model, runtime, recorded);
    if (isSilenced(enrichment)) {
      notSent(runtime.log, draft, { reason: enrichment.silenced });
      return;
    }
    await send(runtime, source.describe(model, enrichment), id, ahead);
  } finally {
    await ahead?.releaseUnused();
  }
}

/**
 * The delivery log's claims of the draft's destinations, taken as the pass starts, beside the
 * record step, the secrets' reads and enrichment, instead of after them (they are off the way to
 * Slack, and open the table's connection early). The notice as sent usually goes where its draft
 * went; a destination it no longer goes to is given back, as is every claim when the pass ends
 * without posting (silenced, or failed). A destination whose key was not foreseen (two webhook
 * parameters holding one URL) is claimed when it is delivered.
 */
export interface ClaimsAhead {
  claimed(target: string): Promise<boolean | undefined>;
  releaseUnused(): Promise<void>;
}

function claimAhead(runtime: Runtime, id: string, channels: Map<string, RouteTo>): ClaimsAhead | undefined {
  return claimKeysAhead(runtime, id, runtime.destinations.keys(channels));
}

/** Claims of delivery `id` for the destinations `keys` names, taken now. */
function claimKeysAhead(runtime: Runtime, id: string, keys: string[]): ClaimsAhead | undefined {
  const { deliveryLog } = runtime;
  if (!deliveryLog) return undefined;
  const used = new Set<string>();
  // A claim that fails (the table) is taken again at delivery, where its failure counts.
  const settled = Promise.all(
    [...new Set(keys)].map((key) =>
      deliveryLog.claim(id, key).then(
        (won) => [[key, won] as const],
        () => [],
      ),
    ),
  ).then((entries) => new Map<string, boolean>(entries.flat()));
  return {
    async claimed(target) {
      const claim = (await settled).get(target);
      if (claim !== undefined) used.add(target);
      return claim;
    },
    async releaseUnused() {
      const unused = [...(await settled)].filter(([target, won]) => won && !used.has(target));
      await Promise.all(unused.map(([target]) => deliveryLog.release(id, target)));
    },
  };
}

/** The source's side effects; a fault there is logged and the notice goes on (never lost). */
async function record<M, X, R>(
  runtime: Runtime,
  model: M,
  source: Describer<M, X, R>,
  draft: Notice,
  routed: boolean,
): Promise<R | Silenced | undefined> {
  if (!source.record) return undefined;
  try {
    return await source.record(model, runtime, routed);
  } catch (error) {
    runtime.log.error('Could not record what this notice tells other notices', {
      kind: draft.kind,
      error: awsErrorName(error),
    });
    return undefined;
  }
}

/**
 * Routes a finished notice and delivers it to each destination once. Every destination is tried;
 * if one failed, the invocation fails afterwards, so Lambda retries and the delivery log lets the
 * retry post only where it failed.
 */
export async function send(
  runtime: Runtime,
  notice: Notice,
  id = fingerprint(notice),
  ahead?: ClaimsAhead,
): Promise<string[]> {
  const routed = routeNotice(notice, runtime.routing);
  await updateCards(runtime, notice, routed.channels);
  if (routed.channels.size === 0) {
    notSent(runtime.log, notice, routed);
    return [];
  }
  return deliverEach(runtime, notice, routed.channels, id, ahead);
}

/** The named channels as destinations of a message of their own, without mentions. */
function plainTargets(channels: string[]): Map<string, RouteTo> {
  return new Map<string, RouteTo>(channels.map((channel) => [channel, { mentions: [], thread: false }]));
}

/**
 * Claims delivery `id` for each named channel now, before its notice exists (a digest, whose id is
 * its schedule's, is claimed while its history is read), each as `sendToChannels` delivers it: on
 * its own. Given to `sendToChannels`; the caller gives back what went unused (`releaseUnused`).
 */
export function claimChannelsAhead(
  runtime: Runtime,
  id: string,
  channels: string[],
): ClaimsAhead | undefined {
  const keys = channels.flatMap((channel) => runtime.destinations.keys(plainTargets([channel])));
  return claimKeysAhead(runtime, id, keys);
}

/**
 * Delivers a finished notice to the named channels only, as a message of its own, without
 * mentions (a digest computed per channel); its claims taken while the secrets are read, unless
 * they were taken ahead (`claimed`).
 */
export async function sendToChannels(
  runtime: Runtime,
  notice: Notice,
  channels: string[],
  id = fingerprint(notice),
  claimed?: ClaimsAhead,
): Promise<string[]> {
  const targets = plainTargets(channels);
  const ahead = claimed ?? claimAhead(runtime, id, targets);
  try {
    return await deliverEach(runtime, notice, targets, id, ahead);
  } finally {
    if (!claimed) await ahead?.releaseUnused();
  }
}

/**
 * Every destination tried; if one failed, the invocation fails afterwards, so Lambda retries and
 * the delivery log lets the retry post only where it failed.
 */
async function deliverEach(
  runtime: Runtime,
  notice: Notice,
  targets: Map<string, RouteTo>,
  id: string,
  ahead?: ClaimsAhead,
): Promise<string[]> {
  // Every secret is read before anything is posted: a missing one fails the invocation cleanly.
  const destinations = await runtime.destinations.resolve(targets);
  const failures: string[] = [];
  const delivered: string[] = [];
  for (const destination of destinations) {
    const failure = await deliverOnce(runtime, notice, id, destination, ahead);
    if (failure) failures.push(failure);
    else delivered.push(...destination.channels);
  }
  if (failures.length > 0)
    throw new PublishError(`Notice ${notice.kind} not delivered to ${failures.join('; ')}`);
  return delivered;
}

/**
 * The release cards a notice moves without being posted (muted for those channels): the app
 * channels with threads that would carry it if nothing were muted, minus those it is routed to.
 */
async function updateCards(runtime: Runtime, notice: Notice, routed: Map<string, RouteTo>): Promise<void> {
  const { releases } = runtime;
  if (!releases || !notice.release) return;
  const unmuted = routeNotice(notice, { ...runtime.routing, mute: [] }).channels;
  const cards = new Map(
    [...unmuted].filter(
      ([channel, to]) =>
        to.thread && !routed.has(channel) && isAppChannel(channel, runtime.routing, runtime.config),
    ),
  );
  if (cards.size === 0) return;
  try {
    for (const destination of await runtime.destinations.resolve(cards)) {
      if (destination.releaseChannel) await deliverToRelease(notice, destination, { reply: false }, releases);
    }
  } catch (error) {
    runtime.log.warn('Release card not updated', { kind: notice.kind, error: awsErrorName(error) });
  }
}

/** claim → render → post → record for one destination; the failure's description, or nothing. */
async function deliverOnce(
  runtime: Runtime,
  notice: Notice,
  id: string,
  destination: Destination,
  ahead?: ClaimsAhead,
): Promise<string | undefined> {
  const { log, deliveryLog } = runtime;
  const target = destination.key;
  if (!((await ahead?.claimed(target)) ?? (await claim(deliveryLog, id, target)))) {
    log.info('Notice already delivered', { kind: notice.kind, target });
    return undefined;
  }
  let placed = 'channel';
  try {
    placed = await postToRelease(runtime, notice, destination);
    if (placed === 'channel') {
      // Rendering is pure: should it fail (a bug), the plain text goes, and it is not a Slack failure.
      const { message, failure } = renderOrPlain(notice, { mentions: destination.mentions });
      if (failure) logRenderFailure(log, notice, failure);
      await postWithFallback(runtime, notice, destination, message);
    }
  } catch (error) {
    await deliveryLog?.release(id, target);
    log.error('Notice not delivered', {
      kind: notice.kind,
      target,
      via: destination.via,
      error: awsErrorName(error),
      slackError: error instanceof SlackPermanentError ? error.code : undefined,
      problem: error instanceof Error ? error.message : String(error),
    });
    return `${target} (${error instanceof Error ? error.message : String(error)})`;
  }
  log.info('Notice delivered', {
    source: notice.source,
    kind: notice.kind,
    target,
    via: destination.via,
    placed,
  });
  await deliveryLog?.sent(id, target);
  return undefined;
}

/** App channels keep releases in one thread: `thread` or `card` when the release took it, else `channel`. */
async function postToRelease(runtime: Runtime, notice: Notice, destination: Destination): Promise<string> {
  if (!destination.releaseChannel || !notice.release || !runtime.releases) return 'channel';
  const outcome = await deliverToRelease(notice, destination, { reply: true }, runtime.releases);
  if (outcome.kind === 'waiting')
    runtime.log.info('Notice posted on its own until its release is known', { kind: notice.kind });
  if (outcome.kind !== 'standalone') return outcome.kind;
  runtime.log.info('Notice posted on its own', { kind: notice.kind, why: outcome.why });
  return 'channel';
}

async function claim(deliveryLog: DeliveryLog | undefined, id: string, target: string): Promise<boolean> {
  return deliveryLog ? deliveryLog.claim(id, target) : true;
}

/** Render keeps every limit by construction; should Slack still refuse the blocks, the text goes. */
async function postWithFallback(
  runtime: Runtime,
  notice: Notice,
  destination: Destination,
  message: SlackMessage,
): Promise<void> {
  const options = { deadline: runtime.deadline, target: destination.key, log: runtime.log };
  try {
    await destination.post(message, options);
  } catch (error) {
    if (!(error instanceof SlackPermanentError && BLOCK_ERRORS.has(error.code) && message.blocks.length > 0))
      throw error;
    runtime.log.error('Slack rejected the blocks; sending plain text instead', {
      kind: notice.kind,
      target: destination.key,
      status: error.status,
      slackError: error.code,
    });
    await destination.post({ text: message.text, blocks: [] }, options);
  }
}
