/**
 * route → render → deliver for one notice. Webhooks are resolved before anything is posted, so a
 * missing secret fails the invocation cleanly. A message Slack rejects for its blocks is sent again
 * as plain text: an alert is never dropped because of its formatting.
 */
import type { Log } from './logger';
import type { Notice } from './notice';
import { routeNotice } from './routing/route';
import type { RoutingConfig } from './routing/schema';
import { type DeliverOptions, deliver, SlackPermanentError } from './slack/deliver';
import { checkSlackLimits } from './slack/limits';
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

export async function publish(notice: Notice, deps: PublishDeps): Promise<PublishOutcome> {
  const { routing, webhookFor, log, deadline } = deps;
  const send = deps.deliver ?? deliver;
  const destination = routeNotice(notice, routing);
  if (destination.channels.length === 0) {
    log.info('Notice not sent', { kind: notice.kind, source: notice.source, reason: destination.reason });
    return { kind: notice.kind, channels: [], delivered: [], skipped: destination.reason };
  }

  let message: SlackMessage = renderNotice(notice, { mentions: destination.mentions });
  const problems = checkSlackLimits(message);
  if (problems.length > 0) {
    log.error('Rendered message breaks Slack limits; sending plain text instead', {
      kind: notice.kind,
      problems,
    });
    message = { text: message.text, blocks: [] };
  }

  // Resolve every webhook first; several channels may share one webhook (e.g. SLACK_WEBHOOK_URL).
  const targets = new Map<string, string[]>();
  for (const channel of destination.channels) {
    const url = await webhookFor(channel);
    targets.set(url, [...(targets.get(url) ?? []), channel]);
  }

  const delivered: string[] = [];
  const failures: string[] = [];
  for (const [url, channels] of targets) {
    const target = channels.join('+');
    const options = { ...deps.deliverOptions, deadline, target, log };
    try {
      await send(url, message, options);
      delivered.push(...channels);
      log.info('Notice delivered', { kind: notice.kind, target });
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
          delivered.push(...channels);
          continue;
        } catch (fallbackError) {
          failures.push(describeFailure(target, fallbackError));
          continue;
        }
      }
      failures.push(describeFailure(target, error));
      log.error('Notice not delivered', {
        kind: notice.kind,
        target,
        error: error instanceof Error ? error.name : 'UnknownError',
        slackError: error instanceof SlackPermanentError ? error.code : undefined,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (failures.length > 0) {
    throw new PublishError(`Notice ${notice.kind} not delivered to ${failures.join('; ')}`);
  }
  return { kind: notice.kind, channels: destination.channels, delivered };
}

function describeFailure(target: string, error: unknown): string {
  return `${target} (${error instanceof Error ? error.message : String(error)})`;
}
