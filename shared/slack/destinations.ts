/**
 * Where and how a routed notice goes. Routing names channels; this turns them into destinations:
 * a webhook (its URL an SSM SecureString, or `SLACK_WEBHOOK_URL`), or a channel of the Slack app
 * by id through the Web API (the bot token an SSM SecureString, or `SLACK_BOT_TOKEN` with
 * `SLACK_CHANNEL` for every channel). Channels that end up at the same place become one
 * destination, so one override posts once. A missing or unusable secret fails here, before anything
 * is posted; it never posts to an empty URL. Secrets stay inside `post`, never in a field.
 */
import type { HeraldConfig } from '../lambda/config';
import type { RouteTo } from '../routing/route';
import type { RoutingConfig } from '../routing/schema';
import type { AttemptOptions } from './attempts';
import type { SlackMessage } from './message';
import type { WebApiTarget } from './web-api';
import { postToWebhook } from './webhook';

export interface Posted {
  /** The message's `ts` (Web API only: webhooks do not say). */
  ts?: string;
  channel?: string;
}

/** Where in an app channel a message goes: a reply in a thread, or over an earlier message. */
export type Placement = Pick<WebApiTarget, 'threadTs' | 'broadcast' | 'updateTs' | 'deleteTs'>;

export interface Destination {
  /** What the delivery log knows this destination by: the channel names it serves. */
  key: string;
  /** How it is reached, for logs: `webhook` or `web-api`. */
  via: 'webhook' | 'web-api';
  channels: string[];
  /** Mentions of the routes that sent the notice to these channels. */
  mentions: string[];
  /** App channels whose routes keep release threads: the channel id. */
  releaseChannel?: string;
  /** `placement` is for Web API destinations only; a webhook can only post. */
  post(message: SlackMessage, options: AttemptOptions, placement?: Placement): Promise<Posted>;
}

export class WebhookConfigError extends Error {
  override name = 'WebhookConfigError';
}

/** Reads a secret by name (SSM Parameter Store in the deployed stack); how is not Slack's business. */
export type SecretReader = (name: string) => Promise<string | undefined>;

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

const BOT_TOKEN = /^xox[bp]-[A-Za-z0-9-]{6,}$/;

type Overrides = Pick<HeraldConfig, 'webhookOverride' | 'appOverride' | 'slackApiUrl'>;

/** Whether a channel is reached through the Slack app (Web API), as `placeOf` below decides it. */
export function isAppChannel(channel: string, routing: RoutingConfig, config: Overrides): boolean {
  if (config.appOverride) return true;
  if (config.webhookOverride) return false;
  const definition = routing.channels[channel];
  return definition !== undefined && 'channelId' in definition;
}

export interface DestinationResolver {
  /** Starts reading the secrets of these channels (while enrichment runs); never fails. */
  warm(channels: string[]): void;
  /**
   * The keys `resolve` will give these channels' destinations, known without reading a secret:
   * channels grouped by where the config sends them (an override, an app channel id, a webhook
   * parameter). Two parameters holding one URL resolve to one destination whose key is not here.
   */
  keys(routed: Map<string, RouteTo>): string[];
  resolve(routed: Map<string, RouteTo>): Promise<Destination[]>;
}

interface Place {
  /** Same address, same destination (a webhook's is its URL: never logged, never a field). */
  address: string;
  via: Destination['via'];
  channelId?: string;
  post: Destination['post'];
}

export function createDestinationResolver(options: {
  routing: RoutingConfig;
  config: Overrides;
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

  const appPlace = (token: string, channel: string): Place => ({
    address: `web-api:${channel}`,
    via: 'web-api',
    channelId: channel,
    post: appPost(token, channel, config.slackApiUrl),
  });

  /** A secret from SSM: `what` it is, what it must `hold`, and the check that it does. */
  const secret = async (
    name: string,
    what: string,
    hold: string,
    usable: (value: string) => boolean,
  ): Promise<string> => {
    let value: string | undefined;
    try {
      value = await readParameter(name);
    } catch (error) {
      const why = error instanceof Error ? error.name : 'UnknownError';
      throw new WebhookConfigError(`Cannot read the ${what} from SSM parameter ${name}: ${why}`);
    }
    // The value is a secret: say what is wrong with it, never what it is.
    if (!value || !usable(value.trim())) {
      throw new WebhookConfigError(`SSM parameter ${name} (${what}) does not hold ${hold}`);
    }
    return value.trim();
  };

  const placeOf = async (channel: string): Promise<Place> => {
    if (config.appOverride) return appPlace(config.appOverride.token, config.appOverride.channel);
    if (config.webhookOverride) return webhookPlace(config.webhookOverride);
    const definition = routing.channels[channel];
    if (!definition)
      throw new WebhookConfigError(`Channel "${channel}" is not defined in the routing config`);
    if ('channelId' in definition) {
      const name = routing.slack?.botTokenParameter ?? '';
      const token = await secret(name, 'Slack bot token', 'a bot token (xoxb-…)', (value) =>
        BOT_TOKEN.test(value),
      );
      return appPlace(token, definition.channelId);
    }
    // The routing file as loaded names every channel's parameter (its stage's default, if not given).
    if (!definition.webhookParameter)
      throw new WebhookConfigError(
        `Channel "${channel}" names no webhookParameter: load the routing file with its stage`,
      );
    const url = await secret(
      definition.webhookParameter,
      `webhook of channel "${channel}"`,
      'an https webhook URL',
      isUsableWebhook,
    );
    return webhookPlace(url);
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

  /** Where a channel goes as far as the config says (a webhook's URL is only known once read). */
  const configuredPlace = (channel: string): string => {
    if (config.appOverride) return `web-api:${config.appOverride.channel}`;
    if (config.webhookOverride) return 'webhook-override';
    const definition = routing.channels[channel];
    if (!definition) return `undefined:${channel}`;
    return 'channelId' in definition
      ? `web-api:${definition.channelId}`
      : `parameter:${definition.webhookParameter}`;
  };

  return {
    warm: (channels) => {
      for (const channel of channels) place(channel).catch(() => undefined);
    },
    keys: (routed) => {
      const groups = new Map<string, string[]>();
      for (const channel of routed.keys()) {
        const at = configuredPlace(channel);
        groups.set(at, [...(groups.get(at) ?? []), channel]);
      }
      return [...groups.values()].map((channels) => channels.join('+'));
    },
    resolve: async (routed) => {
      const byAddress = new Map<
        string,
        { place: Place; channels: string[]; mentions: Set<string>; thread: boolean }
      >();
      for (const [channel, to] of routed) {
        const found = await place(channel);
        const entry = byAddress.get(found.address) ?? {
          place: found,
          channels: [],
          mentions: new Set(),
          thread: true,
        };
        entry.channels.push(channel);
        for (const mention of to.mentions) entry.mentions.add(mention);
        entry.thread &&= to.thread;
        byAddress.set(found.address, entry);
      }
      return [...byAddress.values()].map(({ place: found, channels, mentions, thread }) => ({
        key: channels.join('+'),
        via: found.via,
        channels,
        mentions: [...mentions],
        releaseChannel: found.via === 'web-api' && thread ? found.channelId : undefined,
        post: found.post,
      }));
    },
  };
}

function appPost(token: string, channel: string, apiUrl: string | undefined): Destination['post'] {
  return async (message, attempt, placement) => {
    // Loaded on first use: webhook-only containers never evaluate @slack/web-api (`npm run bench`).
    const { postToWebApi } = await import('./web-api');
    return postToWebApi({ token, channel, apiUrl, ...placement }, message, attempt);
  };
}

/** One app channel as a destination, for what Herald posts outside routing (the release card after a click). */
export function appDestination(token: string, channel: string, apiUrl?: string): Destination {
  return {
    key: channel,
    via: 'web-api',
    channels: [channel],
    mentions: [],
    releaseChannel: channel,
    post: appPost(token, channel, apiUrl),
  };
}
