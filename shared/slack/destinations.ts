/**
 * Where and how a routed notice goes. Routing names channels; this turns them into destinations:
 * a webhook (its URL an SSM SecureString, or `SLACK_WEBHOOK_URL`), or a Web API channel (app
 * mode: `SLACK_BOT_TOKEN` + `SLACK_CHANNEL`). Channels that end up at the same place become one
 * destination, so one override posts once. A missing or unusable secret fails here, before anything
 * is posted; it never posts to an empty URL. Secrets stay inside `post`, never in a field.
 */
import type { HeraldConfig } from '../config';
import type { RoutingConfig } from '../routing/schema';
import type { AttemptOptions } from './attempts';
import type { SlackMessage } from './message';
import { postToWebhook } from './webhook';

interface Posted {
  /** The message's `ts` (Web API only: webhooks do not say). */
  ts?: string;
  channel?: string;
}

export interface Destination {
  /** What the delivery log knows this destination by: the channel names it serves. */
  key: string;
  /** How it is reached, for logs: `webhook` or `web-api`. */
  via: 'webhook' | 'web-api';
  channels: string[];
  /** Mentions of the routes that sent the notice to these channels. */
  mentions: string[];
  post(message: SlackMessage, options: AttemptOptions): Promise<Posted>;
}

/** What routing decided for one notice: channel → its mentions. */
type RoutedChannels = Map<string, string[]>;

class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
}

/** https, or http on the loopback interface (local stand-ins in tests and local runs). */
function isUsableWebhook(value: string): boolean {
  try {
    const url = new URL(value.trim());
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}

/** Reads a secret by name (SSM Parameter Store in the deployed stack); how is not Slack's business. */
export type SecretReader = (name: string) => Promise<string | undefined>;

export interface DestinationResolver {
  /** Starts reading the secrets of these channels (while enrichment runs); never fails. */
  warm(channels: string[]): void;
  resolve(routed: RoutedChannels): Promise<Destination[]>;
}

interface Place {
  /** Same address, same destination (a webhook's is its URL: never logged, never a field). */
  address: string;
  via: Destination['via'];
  post: Destination['post'];
}

export function createDestinationResolver(options: {
  routing: RoutingConfig;
  config: Pick<HeraldConfig, 'webhookOverride' | 'appOverride' | 'slackApiUrl'>;
  readParameter: SecretReader;
}): DestinationResolver {
  const { routing, config, readParameter } = options;
  const pending = new Map<string, Promise<Place>>();

  const webhookPlace = (url: string): Place => ({
    address: url,
    via: 'webhook',
    post: async (message, attempt) => {
      await postToWebhook(url, message, attempt);
      return {};
    },
  });

  const placeOf = async (channel: string): Promise<Place> => {
    const app = config.appOverride;
    if (app) {
      return {
        address: `web-api:${app.channel}`,
        via: 'web-api',
        post: async (message, attempt) => {
          // Loaded on first use: webhook-only containers never evaluate @slack/web-api (`npm run bench`).
          const { postToWebApi } = await import('./web-api');
          const target = { token: app.token, channel: app.channel, apiUrl: config.slackApiUrl };
          return postToWebApi(target, message, attempt);
        },
      };
    }
    if (config.webhookOverride) return webhookPlace(config.webhookOverride);
    const definition = routing.channels[channel];
    if (!definition)
      throw new WebhookConfigError(`Channel "${channel}" is not defined in the routing config`);
    const name = definition.webhookParameter;
    let value: string | undefined;
    try {
      value = await readParameter(name);
    } catch (error) {
      const why = error instanceof Error ? error.name : 'UnknownError';
      throw new WebhookConfigError(
        `Cannot read the webhook of channel "${channel}" from SSM parameter ${name}: ${why}`,
      );
    }
    // The value is a secret: say what is wrong with it, never what it is.
    if (!value || !isUsableWebhook(value)) {
      throw new WebhookConfigError(
        `SSM parameter ${name} (channel "${channel}") does not hold an https webhook URL`,
      );
    }
    return webhookPlace(value.trim());
  };

  // One read per channel per invocation, even when asked again while the first read is under way.
  const place = (channel: string): Promise<Place> => {
    let promise = pending.get(channel);
    if (!promise) {
      promise = placeOf(channel);
      pending.set(channel, promise);
    }
    return promise;
  };

  return {
    warm: (channels) => {
      for (const channel of channels) place(channel).catch(() => undefined);
    },
    resolve: async (routed) => {
      const byAddress = new Map<string, { place: Place; channels: string[]; mentions: Set<string> }>();
      for (const [channel, mentions] of routed) {
        const found = await place(channel);
        const entry = byAddress.get(found.address) ?? { place: found, channels: [], mentions: new Set() };
        entry.channels.push(channel);
        for (const mention of mentions) entry.mentions.add(mention);
        byAddress.set(found.address, entry);
      }
      return [...byAddress.values()].map(({ place: found, channels, mentions }) => ({
        key: channels.join('+'),
        via: found.via,
        channels,
        mentions: [...mentions],
        post: found.post,
      }));
    },
  };
}
