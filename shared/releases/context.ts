/**
 * What every part of a release's delivery shares: its dependencies, how its Slack calls are named
 * in the logs, rendering that never throws, and moving a message into the release's thread.
 */
import { type Log, logRenderFailure } from '../lambda/logger';
import type { Notice } from '../notice/notice';
import type { AttemptOptions } from '../slack/attempts';
import type { Destination } from '../slack/destinations';
import type { SlackMessage } from '../slack/message';
import { renderOrPlain } from '../slack/render';
import type { Posted } from '../state/releases';
import type { CorrelateDeps } from './correlate';

export interface ReleaseDeps extends CorrelateDeps {
  log: Log;
  deadline: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * At most one chat.update per card in this many ms: a burst of events costs one update, and all
   * cards of a workspace share chat.update's allowance (Tier 3, about 50 a minute).
   */
  cardSpacingMs?: number;
}

export const CARD_SPACING_MS = 2500;

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const sleepOf = (deps: ReleaseDeps) => deps.sleep ?? wait;

/** The delivery policy's options for one post of this release, named for the logs. */
export function attemptFor(destination: Destination, what: string, deps: ReleaseDeps): AttemptOptions {
  return { deadline: deps.deadline, target: `${destination.key} (${what})`, log: deps.log };
}

/** Block Kit, or the plain text when rendering fails (a bug, logged: the notice still goes). */
export function render(notice: Notice, mentions: string[], deps: ReleaseDeps): SlackMessage {
  const { message, failure } = renderOrPlain(notice, { mentions });
  if (failure) logRenderFailure(deps.log, notice, failure);
  return message;
}

/** A SlackMessage this module stored itself (JSON of its text and blocks), or nothing. */
export function storedMessage(json: string | undefined): SlackMessage | undefined {
  if (!json) return undefined;
  try {
    const value: unknown = JSON.parse(json);
    if (!value || typeof value !== 'object' || !('text' in value) || !('blocks' in value)) return undefined;
    const { text, blocks } = value;
    return typeof text === 'string' && Array.isArray(blocks) ? { text, blocks } : undefined;
  } catch {
    return undefined;
  }
}

/** What to keep of a posted message to settle or move it later. */
export function postedOf(
  posted: { channel?: string; ts?: string },
  message: SlackMessage,
  destination: Destination,
): Posted {
  return {
    channel: posted.channel ?? destination.releaseChannel ?? '',
    ts: posted.ts ?? '',
    message: JSON.stringify({ text: message.text, blocks: message.blocks }),
  };
}

/**
 * A message posted in the channel before its release was known moves into the release's thread:
 * posted there again (no mention: it was seen), then deleted from the channel.
 */
export async function moveIntoThread(
  posted: Posted,
  cardTs: string,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<void> {
  if (posted.ts === cardTs || posted.channel !== destination.releaseChannel) return;
  const attempt = attemptFor(destination, 'release thread', deps);
  const message = storedMessage(posted.message);
  if (message) await destination.post(message, attempt, { threadTs: cardTs });
  await destination.post({ text: '', blocks: [] }, attempt, { deleteTs: posted.ts });
}
