/**
 * App mode: a notice of a release updates the release's card and, when routing sends it there,
 * goes into the card's thread. The card is always rendered from the stored state: the state is
 * merged and written conditionally on its version, the first event posts the card (on a short
 * lease, so two invocations never post two cards), and every invocation that changed the state
 * pushes the newest version with chat.update until what it pushed is the newest (so concurrent
 * updates end on the latest state, never an older one). Failures and the approval request are
 * broadcast to the channel with the routing's mentions; successes stay in the thread.
 * Anything that cannot be used (the table, the card) makes the caller post a standalone message.
 */
import { awsErrorName } from '../aws/clients';
import { type Log, logRenderFailure } from '../lambda/logger';
import type { Notice, ReleaseStep } from '../notice/notice';
import { type AttemptOptions, SlackPermanentError, SlackUnavailableError } from '../slack/attempts';
import type { Destination } from '../slack/destinations';
import type { SlackMessage } from '../slack/message';
import { renderOrPlain } from '../slack/render';
import {
  claimCardPost,
  claimCommit,
  claimSeed,
  type ReleaseLink,
  readRelease,
  recordCardPost,
  recordSeed,
  recordShown,
  releaseCardPost,
  releaseKey,
  releaseOfCommit,
  type StoredRelease,
  writeRelease,
} from '../state/releases';
import { describeCard } from './card';
import { type CorrelateDeps, findRelease } from './correlate';
import { applyStep, emptyRelease } from './state';

export interface ReleaseDeps extends CorrelateDeps {
  log: Log;
  deadline: number;
  sleep?: (ms: number) => Promise<void>;
}

/** What became of a notice on its release: in the thread, on the card only, or not a release's at all. */
export type ReleaseOutcome =
  | { kind: 'thread'; ts: string }
  | { kind: 'card' }
  /** A push posted before its release: the message the release will turn into its card. */
  | { kind: 'seed'; ts: string }
  | { kind: 'standalone'; why: string };

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The delivery policy's options for one post of this release, named for the logs. */
function attemptFor(destination: Destination, what: string, deps: ReleaseDeps): AttemptOptions {
  return { deadline: deps.deadline, target: `${destination.key} (${what})`, log: deps.log };
}

const sleepOf = (deps: ReleaseDeps) => deps.sleep ?? wait;

/** Block Kit, or the plain text when rendering fails (a bug, logged: the notice still goes). */
function render(notice: Notice, mentions: string[], deps: ReleaseDeps): SlackMessage {
  const { message, failure } = renderOrPlain(notice, { mentions });
  if (failure) logRenderFailure(deps.log, notice, failure);
  return message;
}

/** Which notices the card says enough about by itself. */
function needsReply(notice: Notice): boolean {
  const step = notice.release;
  if (step?.level !== 'pipeline') return true;
  return notice.severity === 'failure';
}

function isBroadcast(notice: Notice): boolean {
  return notice.severity === 'failure' || notice.kind === 'approval.requested';
}

/** Read, merge, write on the version read; a lost race (someone wrote in between) reads again. */
async function mergeStep(key: string, link: ReleaseLink, step: ReleaseStep, deps: ReleaseDeps) {
  const staged: ReleaseStep = { ...step, stage: step.stage ?? link.stage };
  const sleep = sleepOf(deps);
  for (let attempt = 0; attempt < 40 && Date.now() < deps.deadline - 500; attempt++) {
    const stored = await readRelease(key, deps);
    const before = stored.state ?? emptyRelease(link.pipeline, link.executionId, step.region);
    const next = applyStep(before, staged);
    if (stored.version > 0 && JSON.stringify(next) === JSON.stringify(stored.state)) return;
    if (await writeRelease(key, next, stored.version, deps)) return;
    // Many writers at once (a burst of events of one release): spread the next tries out.
    await sleep(Math.floor(Math.random() * 20 * Math.min(attempt + 1, 5)));
  }
  throw Object.assign(new Error('the release changed too often to be written'), {
    name: 'ReleaseContention',
  });
}

/**
 * Posts the card if nobody has, then pushes the newest state until what this invocation pushed is
 * the newest. A state some invocation already pushed is not pushed again (a burst coalesces);
 * after pushing, the state is read again, because a slower push of an older state may land after.
 */
async function showCard(key: string, destination: Destination, deps: ReleaseDeps): Promise<StoredRelease> {
  const sleep = sleepOf(deps);
  const attempt = attemptFor(destination, 'release card', deps);
  let pushed = 0;
  for (let round = 0; round < 20; round++) {
    const stored = await readRelease(key, deps);
    if (!stored.state) throw new Error('the release has no state');
    if (stored.ts && (pushed >= stored.version || (pushed === 0 && stored.shown >= stored.version)))
      return stored;
    const card = render(describeCard(stored.state), [], deps);
    if (!stored.ts) {
      if (!(await claimCardPost(key, deps))) {
        // Someone else is posting the card right now: its ts comes in a moment.
        if (Date.now() + 300 >= deps.deadline) throw new Error('the card was not posted in time');
        await sleep(250);
        continue;
      }
      try {
        await postCard(key, stored, card, destination, attempt, deps);
      } catch (error) {
        await releaseCardPost(key, deps);
        throw error;
      }
    } else {
      await destination.post(card, attempt, { updateTs: stored.ts });
    }
    pushed = stored.version;
    await recordShown(key, pushed, deps);
  }
  return readRelease(key, deps);
}

/** A SlackMessage this module stored itself (the seed push's), or nothing. */
function storedMessage(json: string | undefined): SlackMessage | undefined {
  if (!json) return undefined;
  const value: unknown = JSON.parse(json);
  if (!value || typeof value !== 'object' || !('text' in value) || !('blocks' in value)) return undefined;
  const { text, blocks } = value;
  return typeof text === 'string' && Array.isArray(blocks) ? { text, blocks } : undefined;
}

/**
 * The first post of the card. When the release's commit was pushed and announced before the
 * release existed, that message becomes the card (one channel message per release) and the push's
 * details its first reply; otherwise the card is a new message.
 */
async function postCard(
  key: string,
  stored: StoredRelease,
  card: SlackMessage,
  destination: Destination,
  attempt: AttemptOptions,
  deps: ReleaseDeps,
): Promise<void> {
  const commit = stored.state?.commit?.id;
  const seed = commit ? await claimCommit(commit, key, { ...deps, sleep: sleepOf(deps) }) : undefined;
  if (!seed || seed.channel !== destination.releaseChannel) {
    const posted = await destination.post(card, attempt);
    await recordCardPost(key, posted.channel ?? destination.releaseChannel ?? '', posted.ts ?? '', deps);
    return;
  }
  await recordCardPost(key, seed.channel, seed.ts, deps);
  await destination.post(card, attempt, { updateTs: seed.ts });
  const push = storedMessage(seed.message);
  if (push) await destination.post(push, attempt, { threadTs: seed.ts });
}

/**
 * The release learnt its commit after its card was posted, and the push of that commit was posted
 * on its own meanwhile: the push moves into the card's thread (so the release stays one message).
 */
async function adoptLateSeed(
  commit: string,
  key: string,
  cardTs: string,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<void> {
  const seed = await claimCommit(commit, key, { ...deps, sleep: sleepOf(deps) });
  if (!seed || seed.ts === cardTs || seed.channel !== destination.releaseChannel) return;
  const attempt = attemptFor(destination, 'release thread', deps);
  const push = storedMessage(seed.message);
  if (push) await destination.post(push, attempt, { threadTs: cardTs });
  await destination.post({ text: '', blocks: [] }, attempt, { deleteTs: seed.ts });
}

/**
 * A push in app mode: into its release's thread when the release exists; else it is posted in the
 * channel and kept as the seed a release of that commit turns into its card.
 */
async function deliverPush(
  notice: Notice,
  commit: string,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<ReleaseOutcome> {
  let release = await releaseOfCommit(commit, deps);
  if (!release && (await claimSeed(commit, deps))) {
    const message = render(notice, destination.mentions, deps);
    const posted = await destination.post(message, attemptFor(destination, 'push', deps));
    const channel = posted.channel ?? destination.releaseChannel ?? '';
    await recordSeed(commit, { channel, ts: posted.ts ?? '', message: JSON.stringify(message) }, deps);
    return { kind: 'seed', ts: posted.ts ?? '' };
  }
  release ??= await releaseOfCommit(commit, deps);
  if (!release) return { kind: 'standalone', why: 'the commit is being announced elsewhere' };
  const card = await showCard(release, destination, deps);
  const posted = await destination.post(
    render(notice, [], deps),
    attemptFor(destination, 'release thread', deps),
    { threadTs: card.ts, broadcast: false },
  );
  return { kind: 'thread', ts: posted.ts ?? '' };
}

/**
 * A step that comes from Herald itself (a decision made in Slack) onto a release whose card is
 * posted: merged, then shown. False when the release has no card to update.
 */
export async function updateRelease(
  link: ReleaseLink,
  step: ReleaseStep,
  cardIn: (channel: string) => Destination,
  deps: ReleaseDeps,
): Promise<boolean> {
  const key = releaseKey(link.pipeline, link.executionId);
  const before = await readRelease(key, deps);
  if (!before.ts || !before.channel) return false;
  await mergeStep(key, link, step, deps);
  await showCard(key, cardIn(before.channel), deps);
  return true;
}

/**
 * The notice on its release's card (and thread, with `reply`). `standalone` means the caller posts
 * it as before: it belongs to no release Herald can find, or the release could not be used.
 */
export async function deliverToRelease(
  notice: Notice,
  destination: Destination,
  options: { reply: boolean },
  deps: ReleaseDeps,
): Promise<ReleaseOutcome> {
  const step = notice.release;
  if (!step) return { kind: 'standalone', why: 'not part of a release' };
  const commit = step.via?.commitId;
  if (commit && !step.pipeline) {
    if (!options.reply) return { kind: 'card' };
    try {
      return await deliverPush(notice, commit, destination, deps);
    } catch (error) {
      if (error instanceof SlackPermanentError || error instanceof SlackUnavailableError) throw error;
      deps.log.warn('Release of the push unavailable: posting it on its own', {
        kind: notice.kind,
        error: awsErrorName(error),
      });
      return { kind: 'standalone', why: 'the state table could not be used' };
    }
  }
  let link: ReleaseLink | undefined;
  try {
    link = await findRelease(step, deps);
  } catch (error) {
    deps.log.warn('Release not found: posting the notice on its own', {
      kind: notice.kind,
      error: awsErrorName(error),
    });
    return { kind: 'standalone', why: 'correlation failed' };
  }
  if (!link) return { kind: 'standalone', why: 'no pipeline run of it found' };
  const key = releaseKey(link.pipeline, link.executionId);
  let card: StoredRelease;
  try {
    if (step.level !== 'detail') await mergeStep(key, link, step, deps);
    else if ((await readRelease(key, deps)).version === 0)
      return { kind: 'standalone', why: 'its release has no card' };
    card = await showCard(key, destination, deps);
    if (step.commit && card.ts) await adoptLateSeed(step.commit.id, key, card.ts, destination, deps);
  } catch (error) {
    deps.log.warn('Release card unavailable: posting the notice on its own', {
      kind: notice.kind,
      release: key,
      error: awsErrorName(error),
      slackError: (error as { code?: unknown }).code,
    });
    return { kind: 'standalone', why: 'the release card could not be used' };
  }
  if (!options.reply || !needsReply(notice)) return { kind: 'card' };
  const broadcast = isBroadcast(notice);
  const message = render(notice, broadcast ? destination.mentions : [], deps);
  const posted = await destination.post(message, attemptFor(destination, 'release thread', deps), {
    threadTs: card.ts,
    broadcast,
  });
  return { kind: 'thread', ts: posted.ts ?? '' };
}
