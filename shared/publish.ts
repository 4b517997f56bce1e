/**
 * route → render → deliver for one notice. Webhooks are resolved before anything is posted, so a
 * missing secret fails the invocation cleanly. A message Slack rejects for its blocks is sent again
 * as plain text: an alert is never dropped because of its formatting.
 */
import { type DeliveryLog, fingerprint } from './delivery-log';
import type { Log } from './logger';
import type { Notice } from './notice';
import { routeNotice } from './routing/route';
import type { RoutingConfig } from './routing/schema';
import { type DeliverOptions, deliver, SlackPermanentError } from './slack/deliver';
import type { SlackMessage } from './slack/message';
import { renderNotice } from './slack/render';
import type { WebhookResolver } from './slack/webhooks';

export interface PublishDeps {
  routing: RoutingConfig;
  webhookFor: WebhookResolver;
  log: Log;
  deadline: number;
  deliver?: typeof deliver;
  deliverOptions?: Partial<DeliverOptions>;
  /** Posts each notice to each channel once, across retries and duplicated events. */
  deliveryLog?: DeliveryLog;
}

export interface PublishOutcome {
  kind: string;
  channels: string[];
  delivered: string[];
  /** Set when routing sent the notice nowhere. */
  skipped?: string;
}

/** Slack codes that mean "these blocks", not "this webhook": worth one plain-text try. */
const BLOCK_ERRORS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'invalid_attachments',
  'invalid_payload',
  'too_many_attachments',
]);

export class PublishError extends Error {
  override name = 'PublishError';
}

export interface PublishOptions {
  /**
   * What the notice is known by in the delivery log: the draft described from the event alone,
   * when there is one, so that a retry whose AWS reads went differently is recognised.
   */
  identity?: Notice;
  /** Delivery-log claims already under way, by channel (notify() starts them during enrichment). */
  claims?: Map<string, Promise<boolean>>;
}

export async function publish(
  notice: Notice,
  deps: PublishDeps,
  options: PublishOptions = {},
): Promise<PublishOutcome> {
  const { routing, webhookFor, log, deadline, deliveryLog } = deps;
  const send = deps.deliver ?? deliver;
  const destination = routeNotice(notice, routing);
  if (destination.channels.length === 0) {
    log.info('Notice not sent', { kind: notice.kind, source: notice.source, reason: destination.reason });
    return { kind: notice.kind, channels: [], delivered: [], skipped: destination.reason };
  }

  // Render keeps every limit by construction (test/shared/slack/render.test.ts); should Slack
  // still refuse the blocks, the plain text goes instead (postTo below).
  const message: SlackMessage = renderNotice(notice, { mentions: destination.mentions });

  // Each channel is claimed in the delivery log (already, or now, side by side with the webhook
  // reads); a channel whose claim fails already has this notice.
  const id = fingerprint(options.identity ?? notice);
  const claims = new Map(
    destination.channels.map((channel) => [
      channel,
      options.claims?.get(channel) ?? deliveryLog?.claim(id, channel) ?? Promise.resolve(true),
    ]),
  );

  // Resolve every webhook first; several channels may share one webhook (e.g. SLACK_WEBHOOK_URL).
  const targets = new Map<string, string[]>();
  try {
    for (const channel of destination.channels) {
      const url = await webhookFor(channel);
      targets.set(url, [...(targets.get(url) ?? []), channel]);
    }
  } catch (error) {
    await releaseClaims(deliveryLog, id, claims);
    throw error;
  }

  const delivered: string[] = [];
  const failures: string[] = [];
  for (const [url, channels] of targets) {
    const target = channels.join('+');
    const mine = (await Promise.all(channels.map(async (c) => ((await claims.get(c)) ? [c] : [])))).flat();
    if (mine.length === 0) {
      log.info('Notice already delivered', { kind: notice.kind, target });
      continue;
    }
    const failure = await postTo(url, target);
    if (failure) {
      failures.push(failure);
      await Promise.all(mine.map((channel) => deliveryLog?.release(id, channel)));
    } else {
      delivered.push(...channels);
      await Promise.all(mine.map((channel) => deliveryLog?.sent(id, channel)));
    }
  }
  if (failures.length > 0) {
    throw new PublishError(`Notice ${notice.kind} not delivered to ${failures.join('; ')}`);
  }
  return { kind: notice.kind, channels: destination.channels, delivered };

  /** Posts to one webhook; the failure's description, or undefined once delivered. */
  async function postTo(url: string, target: string): Promise<string | undefined> {
    const options = { ...deps.deliverOptions, deadline, target, log };
    try {
      await send(url, message, options);
      log.info('Notice delivered', { kind: notice.kind, target });
      return undefined;
    } catch (error) {
      if (error instanceof SlackPermanentError && BLOCK_ERRORS.has(error.code) && message.blocks.length > 0) {
        log.error('Slack rejected the blocks; sending plain text instead', {
          kind: notice.kind,
          target,
          status: error.status,
          slackError: error.code,
        });
        try {
          await send(url, { text: message.text, blocks: [] }, options);
          return undefined;
        } catch (fallbackError) {
          return describeFailure(target, fallbackError);
        }
      }
      log.error('Notice not delivered', {
        kind: notice.kind,
        target,
        error: error instanceof Error ? error.name : 'UnknownError',
        slackError: error instanceof SlackPermanentError ? error.code : undefined,
        message: error instanceof Error ? error.message : String(error),
      });
      return describeFailure(target, error);
    }
  }
}

function describeFailure(target: string, error: unknown): string {
  return `${target} (${error instanceof Error ? error.message : String(error)})`;
}

/** Gives back the claims this invocation won, so that a retry may post. */
export async function releaseClaims(
  deliveryLog: DeliveryLog | undefined,
  id: string,
  claims: Map<string, Promise<boolean>>,
): Promise<void> {
  if (!deliveryLog) return;
  await Promise.all(
    [...claims].map(async ([channel, claim]) => {
      if (await claim.catch(() => false)) await deliveryLog.release(id, channel);
    }),
  );
}
