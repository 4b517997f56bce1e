/**
 * Reads and claims started before the step that uses them, so that they share a round trip with
 * other work: a release a detail goes under (its key is in the event, or found by its
 * correlation), the correlation itself (./correlate.ts), the claim of a release's commit (beside
 * a write that may create the release) and of a failure's broadcast (beside the read of the card
 * it goes under). Each is used once, in this invocation.
 */
import { afterwards } from '../lambda/afterwards';
import { claimBroadcast, claimCommit, readRelease, type Seed, type StoredRelease } from '../state/releases';
import type { PipelineDeps } from './pipelines';

/** What reading ahead needs: the table, and where this invocation keeps what it read ahead. */
export interface AheadDeps extends PipelineDeps {
  /** Reads and claims started ahead in this invocation, each used once. */
  ahead?: Map<string, Promise<unknown>>;
}

/** A commit claim's: it may wait a moment for a push being posted, within the invocation. */
type ClaimDeps = AheadDeps & { deadline: number; sleep?: (ms: number) => Promise<void> };

/** Starts reading a release whose key is known now (a detail goes under its card). */
export function readReleaseAhead(key: string, deps: AheadDeps): void {
  startAhead(deps, `release#${key}`, () => readRelease(key, deps));
}

/** What a read started ahead came to. */
export type Settled<T> = { value: T } | { error: unknown };

/** Starts `read` under `name` (once per invocation). */
export function startAhead<T>(deps: AheadDeps, name: string, read: () => Promise<T>): void {
  deps.ahead ??= new Map();
  if (!deps.ahead.has(name))
    deps.ahead.set(
      name,
      read().then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
    );
}

/** What was read ahead under `name` (once); undefined when nothing was. */
export async function takeAhead<T>(name: string, deps: AheadDeps): Promise<Settled<T> | undefined> {
  const read = deps.ahead?.get(name) as Promise<Settled<T>> | undefined;
  deps.ahead?.delete(name);
  return read;
}

/** The release as read ahead (once), else read now (a failed read ahead too, once more). */
export async function releaseOf(key: string, deps: AheadDeps): Promise<StoredRelease> {
  const read = await takeAhead<StoredRelease>(`release#${key}`, deps);
  return read && 'value' in read ? read.value : readRelease(key, deps);
}

/**
 * Claims the commit for the release beside this container's first write to it (the write that
 * may create it): whichever invocation posts the card needs the answer (is a push of that commit's
 * message to become the card?), and any other moves that message into the thread.
 */
export function claimCommitAhead(commit: string, key: string, deps: ClaimDeps): void {
  const name = `commit#${commit}#${key}`;
  startAhead(deps, name, () => claimCommit(commit, key, deps));
  // Finished before the invocation ends, even when nothing takes it (the card went another way).
  const claim = deps.ahead?.get(name);
  if (claim) afterwards(`the claim of commit ${commit}`, claim);
}

/** The commit's claim for the release (once per invocation): the one taken ahead, or taken now. */
export async function commitClaim(commit: string, key: string, deps: ClaimDeps): Promise<Seed | undefined> {
  const name = `commit#${commit}#${key}`;
  const ahead = await takeAhead<Seed | undefined>(name, deps);
  deps.ahead ??= new Map();
  deps.ahead.set(name, CLAIMED);
  if (!ahead) return claimCommit(commit, key, deps);
  if ('error' in ahead) throw ahead.error;
  return ahead.value;
}

/** Claims the release's one failure broadcast beside the read of its card (a failure going under it). */
export function claimBroadcastAhead(key: string, deps: AheadDeps): void {
  startAhead(deps, `broadcast#${key}`, () => claimBroadcast(key, deps));
}

/** The release's broadcast for this failure: claimed ahead, or now. */
export async function broadcastClaim(key: string, deps: AheadDeps): Promise<boolean> {
  const ahead = await takeAhead<boolean>(`broadcast#${key}`, deps);
  return ahead && 'value' in ahead ? ahead.value : claimBroadcast(key, deps);
}

/** Marks a commit claim that has been used (the card was posted with what it said). */
const CLAIMED: Promise<unknown> = Promise.resolve('claimed');

/** Has this invocation claimed the commit for the release (to post the card)? */
export function commitClaimedHere(commit: string, key: string, deps: AheadDeps): boolean {
  return deps.ahead?.get(`commit#${commit}#${key}`) === CLAIMED;
}
