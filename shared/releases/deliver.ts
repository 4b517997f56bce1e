/**
 * App mode: a notice of a release updates the release's card and, when routing sends it there,
 * goes into the card's thread (./thread.ts). Its step is appended to the release in one write
 * (./state.ts is pure and order-free, so any order of events gives the same card), then the card
 * shows the release as that write left it (./show.ts). A notice whose release is not known yet is
 * posted on its own and moves into the thread once the link appears. Anything that cannot be used
 * (the table, the card) makes the caller post a standalone message.
 */
import { awsErrorName } from '../aws/clients';
import { afterwards } from '../lambda/afterwards';
import { keep } from '../lambda/container';
import type { Notice, ReleaseStep } from '../notice/notice';
import { SlackPermanentError, SlackRateLimitedError, SlackUnavailableError } from '../slack/attempts';
import type { Destination } from '../slack/destinations';
import {
  appendStep,
  claimSeed,
  compactRelease,
  type ReleaseLink,
  readRelease,
  recordSeed,
  releaseKey,
  releaseOfCommit,
  type StoredRelease,
} from '../state/releases';
import { claimBroadcastAhead, claimCommitAhead, commitClaim, commitClaimedHere, releaseOf } from './ahead';
import { attemptFor, moveIntoThread, type ReleaseDeps, render } from './context';
import { type Found, findRelease } from './correlate';
import { knownStructure, structureOf } from './pipelines';
import { pushableNow, showCard } from './show';
import { storedStepOf } from './state';
import { adoptOrphans, postOrphan, postReply, settleOffer } from './thread';

export type { ReleaseDeps } from './context';

/** What became of a notice on its release: in the thread, on the card only, or not a release's at all. */
export type ReleaseOutcome =
  | { kind: 'thread'; ts: string }
  | { kind: 'card' }
  /** A push posted before its release: the message the release will turn into its card. */
  | { kind: 'seed'; ts: string }
  /** Posted in the channel until its release is known: it moves into the thread then. */
  | { kind: 'waiting'; ts: string }
  | { kind: 'standalone'; why: string };

/** Which notices the card says enough about by itself. */
function needsReply(notice: Notice): boolean {
  const step = notice.release;
  if (step?.level !== 'pipeline') return true;
  return notice.severity === 'failure';
}

/** The pipeline's stages in order, for a release that does not know them yet (never fails the merge). */
async function orderOf(pipeline: string, deps: ReleaseDeps): Promise<string[] | undefined> {
  const structure = await structureOf(pipeline, deps).catch((error: unknown) => {
    deps.log.warn('Pipeline structure unavailable; the card lists the stages seen so far', {
      pipeline,
      error: awsErrorName(error),
    });
    return undefined;
  });
  return structure?.stages.map((stage) => stage.name);
}

/** Releases this container has written a step to (its commit is claimed by then). */
const releasesMet = keep<string, true>();

/** Steps a release item holds before they are folded into its state (the item stays small). */
const COMPACT_AFTER = 12;

/**
 * Appends the step to its release in one write, whatever the release holds, and says what the card
 * needs next: the version that holds the step (the one before it when the step changed nothing the
 * card shows), and the release as the write left it, so that the card needs no read.
 */
async function mergeStep(
  key: string,
  link: ReleaseLink,
  step: ReleaseStep,
  deps: ReleaseDeps,
): Promise<{ version: number; release: StoredRelease }> {
  const staged = storedStepOf({ ...step, stage: step.stage ?? link.stage });
  // The stage order for a release that has none yet: this container's at once, else read beside the write.
  const known = knownStructure(link.pipeline)?.stages.map((stage) => stage.name);
  const reading = known ? undefined : orderOf(link.pipeline, deps);
  // A release this container has not written to may be created by this write: whether a push of
  // its commit becomes its card is asked beside (should another write create it, the push moves
  // into its thread instead: tidyThread).
  if (step.commit && !releasesMet.has(key)) claimCommitAhead(step.commit.id, key, deps);
  const { release, changed } = await appendStep(key, staged, deps, { push: pushableNow(deps), order: known });
  releasesMet.set(key, true);
  if (reading) {
    // Shown now; kept with the release by this container's next write (it knows the structure then).
    const order = release.state && !release.state.order ? await reading : undefined;
    if (order && release.state) release.state.order = order;
    else afterwards(`the structure of pipeline ${link.pipeline}`, reading);
  }
  if ((release.steps ?? 0) >= COMPACT_AFTER)
    afterwards(
      `release ${key} compacted`,
      () => compactRelease(key, release, deps),
      'its next write folds more steps',
    );
  return { version: changed ? release.version : release.version - 1, release };
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
  // The push usually comes first: claiming its seed is the one write; the release is read only when
  // the claim is refused (a release took the commit, or another invocation is announcing it).
  if (await claimSeed(commit, deps)) {
    const message = render(notice, destination.mentions, deps);
    const posted = await destination.post(message, attemptFor(destination, 'push', deps));
    const channel = posted.channel ?? destination.releaseChannel ?? '';
    await recordSeed(commit, { channel, ts: posted.ts ?? '', message: JSON.stringify(message) }, deps);
    return { kind: 'seed', ts: posted.ts ?? '' };
  }
  const release = await releaseOfCommit(commit, deps);
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
  /** The message the decision was taken on: the click has shown the outcome there already. */
  clickedTs?: string,
): Promise<boolean> {
  const key = releaseKey(link.pipeline, link.executionId);
  const before = await readRelease(key, deps);
  if (!before.ts || !before.channel) return false;
  const { version, release } = await mergeStep(key, link, step, deps);
  const card = await showCard(key, cardIn(before.channel), deps, version, true, release);
  const stage = step.stage ?? link.stage;
  if (stage && card.state) await settleOffer(key, stage, card.state, cardIn(before.channel), deps, clickedTs);
  return true;
}

/** The ids a notice of an unknown release can be linked by later. */
function waitingIds(step: ReleaseStep): string[] {
  const { buildId, deploymentId, taskDefinition } = step.via ?? {};
  return [buildId ?? deploymentId, taskDefinition].filter((id): id is string => Boolean(id));
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
  let found: Found;
  try {
    found = await findRelease(step, deps);
  } catch (error) {
    deps.log.warn('Release not found: posting the notice on its own', {
      kind: notice.kind,
      error: awsErrorName(error),
    });
    return { kind: 'standalone', why: 'correlation failed' };
  }
  const { link } = found;
  const waiting = waitingIds(step);
  if (!link) {
    if (!options.reply || waiting.length === 0)
      return { kind: 'standalone', why: 'no pipeline run of it found' };
    return { kind: 'waiting', ts: await postOrphan(notice, waiting, destination, deps) };
  }
  const key = releaseKey(link.pipeline, link.executionId);
  let card: StoredRelease;
  try {
    let merged: { version?: number; release: StoredRelease };
    if (step.level !== 'detail') merged = await mergeStep(key, link, step, deps);
    else {
      // A failure's one broadcast is claimed beside the read of the card it goes under.
      if (options.reply && notice.severity === 'failure') claimBroadcastAhead(key, deps);
      merged = { release: await releaseOf(key, deps) };
      if (merged.release.version === 0) {
        if (!options.reply || waiting.length === 0)
          return { kind: 'standalone', why: 'its release has no card' };
        return { kind: 'waiting', ts: await postOrphan(notice, waiting, destination, deps) };
      }
    }
    card = await showCard(key, destination, deps, merged.version, false, merged.release);
  } catch (error) {
    // The final card under Slack's rate limit: the invocation fails, and Lambda's retry lands it.
    if (error instanceof SlackRateLimitedError) throw error;
    deps.log.warn('Release card unavailable: posting the notice on its own', {
      kind: notice.kind,
      release: key,
      error: awsErrorName(error),
      slackError: (error as { code?: unknown }).code,
    });
    return { kind: 'standalone', why: 'the release card could not be used' };
  }
  const stage = step.stage ?? link.stage;
  await tidyThread(found, step, stage, key, card, destination, deps);
  if (!options.reply || !needsReply(notice)) return { kind: 'card' };
  return {
    kind: 'thread',
    ts: await postReply(notice, { key, stage, cardTs: card.ts ?? '' }, destination, deps),
  };
}

/**
 * What a step makes untrue in the thread, mended: messages that waited for the ids it linked move
 * in, the push of its commit moves in, and the reply that offered buttons for its stage settles.
 * Never fails the notice: what could not be mended is logged.
 */
async function tidyThread(
  { linked, linking }: Found,
  step: ReleaseStep,
  stage: string | undefined,
  key: string,
  card: StoredRelease,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<void> {
  const cardTs = card.ts ?? '';
  const adopt = async () => {
    // A message recorded after our links were written finds them itself (./thread.ts: postOrphan).
    await linking?.catch(() => undefined);
    await adoptOrphans(linked, key, cardTs, destination, deps);
    if (step.commit) await adoptLateSeed(step.commit.id, key, cardTs, destination, deps);
  };
  try {
    // Messages move into the thread in order; the offer settles beside them.
    await Promise.all([
      adopt(),
      stage && card.state && settleOffer(key, stage, card.state, destination, deps),
    ]);
  } catch (error) {
    deps.log.warn('Release thread not tidied', { release: key, error: awsErrorName(error) });
  }
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
  // Claimed here when this invocation posted the card: no push can have come in between.
  if (commitClaimedHere(commit, key, deps)) return;
  const seed = await commitClaim(commit, key, deps);
  if (!seed) return;
  await moveIntoThread(
    { channel: seed.channel, ts: seed.ts, message: seed.message ?? '' },
    cardTs,
    destination,
    deps,
  );
}
