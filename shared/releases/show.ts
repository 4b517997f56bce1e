/**
 * The release card in Slack, always rendered from the stored state (never patched). The first
 * event posts it (on a short lease, so two invocations never post two cards; a push announced
 * before the release becomes the card); after that, the newest state is pushed with chat.update
 * until the version this invocation needs is shown. Updates are coalesced: at most one per card
 * every `cardSpacingMs` (a burst of events waits, then one push shows the newest state), one push
 * at a time per card; under Slack's rate limit an intermediate version is skipped (a later event
 * pushes the newest), the final one is waited out or failed, so that Lambda's retry lands it.
 */
import { afterwards } from '../lambda/afterwards';
import { keep } from '../lambda/container';
import { SlackRateLimitedError } from '../slack/attempts';
import type { Destination } from '../slack/destinations';
import type { SlackMessage } from '../slack/message';
import {
  claimCardPost,
  claimCardPush,
  readRelease,
  recordCardPost,
  recordShown,
  releaseCardPost,
  releaseCommitClaim,
  type StoredRelease,
} from '../state/releases';
import { commitClaim } from './ahead';
import { describeCard } from './card';
import { attemptFor, CARD_SPACING_MS, type ReleaseDeps, render, sleepOf, storedMessage } from './context';
import { currentState, isTerminal } from './state';

const PUSH_LEASE_MS = 3000;

/**
 * Until when Slack said chat.update is rate limited (this container's memory: the allowance is
 * the workspace's, so every card waits once one was told to).
 */
const rateLimited = keep<'chat.update', number>();

/**
 * Shows the card until version `needed` (or newer) is in Slack, or, for an intermediate version,
 * until a later push will show it (a final or urgent one is pushed even when the spacing cannot
 * be waited for). The stored release as last read.
 */
export async function showCard(
  key: string,
  destination: Destination,
  deps: ReleaseDeps,
  needed?: number,
  /** Show it now even if it is not the final state (a decision from Slack). */
  urgent = false,
  /** The release as the caller has just written it: the first look needs no read. */
  written?: StoredRelease,
): Promise<StoredRelease> {
  const sleep = sleepOf(deps);
  const spacing = deps.cardSpacingMs ?? CARD_SPACING_MS;
  let want = needed;
  // The release as this invocation's own last write left it: the next look needs no read.
  let known = written;
  for (let round = 0; round < 60; round++) {
    const stored = known ?? (await readRelease(key, deps));
    known = undefined;
    if (!stored.state) {
      // A push of the release's commit, while the release's first write is on its way (a moment).
      if (round < 5 && Date.now() + 300 < deps.deadline) {
        await sleep(100);
        continue;
      }
      throw new Error('the release has no state');
    }
    want ??= stored.version;
    if (stored.ts && stored.shown >= want) {
      // Leased with a write whose step changed nothing the card shows: the card shows this version
      // as well, and the next push may go at once.
      if (stored.pushing)
        afterwards(
          `the push lease of ${key} given back`,
          recordShown(key, stored.version, deps, stored.shownAt),
        );
      return { ...stored, pushing: false };
    }
    const card = render(describeCard(stored.state), [], deps);
    if (!stored.ts) {
      if (!(stored.posting || (await claimCardPost(key, deps)))) {
        // Someone else is posting the card right now: its ts comes in a moment.
        if (Date.now() + 300 >= deps.deadline) throw new Error('the card was not posted in time');
        await sleep(250);
        continue;
      }
      try {
        known = await postCard(key, stored, card, destination, deps);
      } catch (error) {
        await releaseCardPost(key, deps);
        throw error;
      }
      continue;
    }
    const final = urgent || isTerminal(currentState(stored.state));
    const wait = (stored.shownAt ?? 0) + spacing - Date.now();
    const room = deps.deadline - Date.now() - 1000;
    // The push lease came with this invocation's write of the release (no claim to take).
    const holding = stored.pushing === true;
    if (!holding && (wait > 0 || (stored.pushingUntil ?? 0) > Date.now())) {
      // A push happened a moment ago, or is happening: wait and look again (the newest goes next).
      const pause = Math.max(Math.min(wait, room), 100);
      if (room > 100) {
        await sleep(pause);
        continue;
      }
      if (!final) return stored;
    }
    const limitedFor = (rateLimited.get('chat.update') ?? 0) - Date.now();
    if (limitedFor > 0) {
      // Slack asked to wait: an intermediate version is skipped without a call; the final one waits.
      if (holding && (!final || limitedFor < room)) await recordShown(key, 0, deps);
      if (!final) return skipped(key, stored, limitedFor, deps);
      if (limitedFor < room) {
        await sleep(limitedFor);
        continue;
      }
    }
    if (!holding && !(await claimCardPush(key, PUSH_LEASE_MS, deps, stored.shownAt))) {
      await sleep(150);
      continue;
    }
    try {
      await destination.post(
        card,
        { ...attemptFor(destination, 'release card', deps), waitOutRateLimits: final },
        { updateTs: stored.ts },
      );
    } catch (error) {
      await recordShown(key, 0, deps);
      if (error instanceof SlackRateLimitedError) {
        rateLimited.set('chat.update', Date.now() + error.retryAfterMs);
        // An intermediate version: skipped, a later event shows the newest.
        if (!final) return skipped(key, stored, error.retryAfterMs, deps);
      }
      throw error;
    }
    const at = Date.now();
    await recordShown(key, stored.version, deps, at);
    // Shown (or a newer version was, meanwhile): what this invocation needed is in Slack.
    return { ...stored, shown: Math.max(stored.shown, stored.version), shownAt: at, pushing: false };
  }
  return readRelease(key, deps);
}

/**
 * The push lease a write of the release may take with it (the write checks the card is posted, no
 * push is under way and the spacing is over): none while Slack asks to wait.
 */
export function pushableNow(deps: ReleaseDeps): { leaseMs: number; spacingMs: number } | undefined {
  if ((rateLimited.get('chat.update') ?? 0) > Date.now()) return undefined;
  return { leaseMs: PUSH_LEASE_MS, spacingMs: deps.cardSpacingMs ?? CARD_SPACING_MS };
}

function skipped(key: string, stored: StoredRelease, retryAfterMs: number, deps: ReleaseDeps): StoredRelease {
  deps.log.info('Card update skipped under the rate limit; a later one shows the newest', {
    release: key,
    retryAfterMs,
  });
  return stored;
}

/**
 * The first post of the card. When the release's commit was pushed and announced before the
 * release existed, that message becomes the card (one channel message per release) and the push's
 * details its first reply; otherwise the card is a new message. Either way the card is recorded
 * once it is in Slack, with the version it shows (the post lease keeps other invocations from
 * posting meanwhile). The release as the post left it, or undefined when it must be read again
 * (another invocation recorded a card first: its lease had run out).
 */
async function postCard(
  key: string,
  stored: StoredRelease,
  card: SlackMessage,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<StoredRelease | undefined> {
  const attempt = attemptFor(destination, 'release card', deps);
  const commit = stored.state?.commit?.id;
  const claimed = commit ? await commitClaim(commit, key, deps) : undefined;
  const seed = claimed?.channel === destination.releaseChannel ? claimed : undefined;
  let where = { channel: seed?.channel ?? '', ts: seed?.ts ?? '' };
  let shown = { version: stored.version, at: 0 };
  let recorded = false;
  try {
    if (seed) await destination.post(card, attempt, { updateTs: seed.ts });
    else {
      const posted = await destination.post(card, attempt);
      where = { channel: posted.channel ?? destination.releaseChannel ?? '', ts: posted.ts ?? '' };
    }
    shown = { ...shown, at: Date.now() };
    recorded = await recordCardPost(key, where, shown, deps);
  } finally {
    // A push's message that is not the card (Slack refused, the record failed, or another card was
    // recorded first) is given back: the retry, or the release's next event that knows its commit,
    // makes it the card, or moves it into the card's thread (its details with it).
    if (commit && seed && !recorded) await releaseCommitClaim(commit, key, deps).catch(() => undefined);
  }
  if (!recorded) return undefined;
  const push = seed && storedMessage(seed.message);
  if (push) await destination.post(push, attempt, { threadTs: where.ts });
  return {
    ...stored,
    ...where,
    shown: shown.version,
    shownAt: shown.at,
    posting: false,
    postingUntil: undefined,
  };
}
