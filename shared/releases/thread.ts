/**
 * The release's thread stays true. A reply goes in with the route's mentions only when it is
 * broadcast to the channel: the approval request, and the first failure of the release (one
 * failed release is one broadcast). A reply that offers buttons is kept, and when its step
 * settles it says how it ended and offers them no more. A notice posted on its own because its
 * release was not known yet waits under the id that will link it, and moves into the thread once
 * the link appears (from either side: whoever comes second moves it).
 */
import type { Notice } from '../notice/notice';
import type { Destination } from '../slack/destinations';
import { settleBlocks } from '../slack/settle';
import {
  type ReleaseLink,
  readLink,
  readRelease,
  recordOffer,
  recordOrphan,
  releaseKey,
  takeOffer,
  takeOrphan,
} from '../state/releases';
import { broadcastClaim } from './ahead';
import { settledStage } from './card';
import { attemptFor, moveIntoThread, postedOf, type ReleaseDeps, render, storedMessage } from './context';
import type { ReleaseState } from './state';

/** Posts a notice in the card's thread; the ts of the reply. */
export async function postReply(
  notice: Notice,
  where: { key: string; stage?: string; cardTs: string },
  destination: Destination,
  deps: ReleaseDeps,
): Promise<string> {
  const { key, stage, cardTs } = where;
  const broadcast =
    notice.kind === 'approval.requested' ||
    (notice.severity === 'failure' && (await broadcastClaim(key, deps)));
  const message = render(notice, broadcast ? destination.mentions : [], deps);
  const posted = await destination.post(message, attemptFor(destination, 'release thread', deps), {
    threadTs: cardTs,
    broadcast,
  });
  // Buttons, or a lead that holds only while the step is open: settled when the step ends.
  if ((notice.choices?.length || notice.offerLead) && stage && posted.ts)
    await recordOffer(key, stage, postedOf(posted, message, destination), deps);
  return posted.ts ?? '';
}

/** The stage's reply that offered buttons, once the stage has settled: how it ended, no buttons. */
export async function settleOffer(
  key: string,
  stage: string,
  release: ReleaseState,
  destination: Destination,
  deps: ReleaseDeps,
  /** A message a click has settled already (it is taken, not updated again). */
  settledTs?: string,
): Promise<void> {
  const settled = settledStage(release, stage);
  if (!settled) return;
  const offer = await takeOffer(key, stage, deps);
  const message = storedMessage(offer?.message);
  if (!offer || !message || offer.ts === settledTs) return;
  await destination.post(
    settleBlocks(message.blocks as never, settled),
    attemptFor(destination, 'release thread', deps),
    { updateTs: offer.ts },
  );
}

/** Messages that were waiting for these ids, now linked to the release: into its thread. */
export async function adoptOrphans(
  ids: string[],
  key: string,
  cardTs: string,
  destination: Destination,
  deps: ReleaseDeps,
): Promise<void> {
  // Taken at once; moved in the order of their ids.
  const orphans = await Promise.all(ids.map((id) => takeOrphan(id, key, deps)));
  for (const orphan of orphans) if (orphan) await moveIntoThread(orphan, cardTs, destination, deps);
}

/**
 * A notice of a release not known yet: posted in the channel (with its mentions), kept under each
 * id that may link it later, and moved at once should the link have appeared meanwhile.
 */
export async function postOrphan(
  notice: Notice,
  ids: string[],
  destination: Destination,
  deps: ReleaseDeps,
): Promise<string> {
  const message = render(notice, destination.mentions, deps);
  const posted = await destination.post(message, attemptFor(destination, 'waiting for its release', deps));
  const kept = postedOf(posted, message, destination);
  for (const id of ids) await recordOrphan(id, kept, deps);
  // The link may have been written between our look and our record: then it is ours to move.
  for (const id of ids) {
    const link: ReleaseLink | undefined = await readLink(id, deps);
    if (!link) continue;
    const key = releaseKey(link.pipeline, link.executionId);
    const card = await readRelease(key, deps);
    if (card.ts) await adoptOrphans([id], key, card.ts, destination, deps);
  }
  return posted.ts ?? '';
}
