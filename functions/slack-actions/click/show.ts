/**
 * Step 5 of a click: show what happened, well inside Slack's 3 seconds. In app mode the bot
 * replaces the request (chat.update) and the release card shows the decision; otherwise, for a
 * message only the clicker sees, or should chat.update fail, through the click's `response_url`
 * (which comes from a verified request; still, only Slack or a loopback stand-in is called).
 */
import { awsErrorName, ssmClient } from '../../../shared/aws/clients';
import { ssmParameterReader } from '../../../shared/aws/secrets';
import { getConfig, type HeraldConfig } from '../../../shared/lambda/config';
import type { Log } from '../../../shared/lambda/logger';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackMessage } from '../../../shared/slack/message';
import { postToWebhook } from '../../../shared/slack/webhook';
import type { BlockActions } from './schema';

export function isSlackResponseUrl(value: string | undefined): value is string {
  if (!value) return false;
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return url.hostname === 'slack.com' || url.hostname.endsWith('.slack.com');
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(url.hostname);
  } catch {
    return false;
  }
}

export interface ShowOptions {
  config: HeraldConfig;
  routing: RoutingConfig;
  log: Log;
  /** Epoch ms by which everything shown must be done (Slack waits 3 s for the answer). */
  deadline: number;
}

/** Slack waits 3 s for the answer: everything shown is done by 2.6 s after the click arrived. */
export function showOptions(
  startedMs: number,
  remainingMs: number,
  routing: RoutingConfig,
  log: Log,
): ShowOptions {
  return {
    config: getConfig(),
    routing,
    log,
    deadline: Math.min(startedMs + 2600, Date.now() + remainingMs - 300),
  };
}

/** A bot token that cannot be read: said once, and the click is answered without it. */
export function noToken(options: ShowOptions) {
  return (error: unknown): undefined => {
    options.log.warn('Cannot read the Slack bot token; answering without it', { error: awsErrorName(error) });
    return undefined;
  };
}

export async function botToken(options: ShowOptions): Promise<string | undefined> {
  if (options.config.appOverride) return options.config.appOverride.token;
  const name = options.routing.slack?.botTokenParameter;
  return name ? ssmParameterReader(ssmClient())(name) : undefined;
}

type Where = Record<string, string>;

async function viaResponseUrl(
  payload: BlockActions,
  message: SlackMessage,
  where: Where,
  options: ShowOptions,
): Promise<void> {
  const { log } = options;
  if (!isSlackResponseUrl(payload.response_url)) {
    log.warn('No usable response_url; the message cannot be updated', where);
    return;
  }
  await postToWebhook(payload.response_url, message, {
    deadline: options.deadline,
    target: 'response_url',
    log,
    requestTimeoutMs: 1200,
  }).catch((error: unknown) => {
    log.error('Could not update the Slack message', { ...where, error: awsErrorName(error) });
  });
}

/**
 * Replaces the clicked message (chat.update with the bot token in app mode, else `response_url`),
 * or answers only the clicker (`response_url`, ephemeral). The bot token, when it was used.
 */
export async function replaceClicked(
  payload: BlockActions,
  message: SlackMessage,
  where: Where,
  options: ShowOptions,
): Promise<string | undefined> {
  const channel = payload.channel?.id;
  const ts = payload.message?.ts;
  const token =
    message.replace_original && channel && ts ? await botToken(options).catch(noToken(options)) : undefined;
  if (!token || !channel || !ts) {
    await viaResponseUrl(payload, message, where, options);
    return undefined;
  }
  const attempt = {
    deadline: options.deadline,
    target: 'the clicked message',
    log: options.log,
    requestTimeoutMs: 1200,
  };
  // Loaded on first use: a click Herald refuses never evaluates @slack/web-api.
  const { postToWebApi } = await import('../../../shared/slack/web-api');
  const replaced = await postToWebApi(
    { token, channel, apiUrl: options.config.slackApiUrl, updateTs: ts },
    message,
    attempt,
  ).then(
    () => true,
    (error: unknown) => {
      options.log.warn('chat.update failed; answering through response_url', {
        ...where,
        error: awsErrorName(error),
      });
      return false;
    },
  );
  if (!replaced) await viaResponseUrl(payload, message, where, options);
  return token;
}
