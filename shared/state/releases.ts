/**
 * The release items: `release#<pipeline>#<execution>` holds the card's state (JSON), its
 * `version`, where the card is (`channel`, `ts`) and the newest version shown; `link#<id>` ties a
 * build, a deployment or a task definition to its release; `commit#<id>` ties a pushed commit to
 * the push message posted before its release, and to the release that took it. Every write is
 * conditional: a state write on the version it read (a lost race reads again), the card's first
 * post on a short lease, a link on its time (a late event never re-points a newer link).
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import { type ReleaseState, releaseStateSchema } from '../releases/state';
import { expiryOf, ITEMS, idOf, jsonOf, n, nowOf, readItem, s, type TableDeps, updateIf } from './table';

const POST_LEASE_MS = 15_000;

export interface ReleaseLink {
  pipeline: string;
  executionId: string;
  stage?: string;
}

export interface StoredRelease {
  state?: ReleaseState;
  version: number;
  channel?: string;
  ts?: string;
  postingUntil?: number;
  /** The newest version some invocation has pushed to Slack, and when (epoch ms). */
  shown: number;
  shownAt?: number;
  /** Someone is pushing the card until then (epoch ms): one push at a time per card. */
  pushingUntil?: number;
  /** This invocation holds the lease to post the card (taken with the release's first write). */
  posting?: boolean;
  /** This invocation holds the lease to push the card (taken with its write of the release). */
  pushing?: boolean;
}

/** The release's id in the table (and in logs). */
export const releaseKey = (pipeline: string, executionId: string) => `${pipeline}#${executionId}`;

const releaseItem = v.object({
  card: v.optional(v.string()),
  version: v.optional(v.number()),
  channel: v.optional(v.string()),
  ts: v.optional(v.string()),
  postingUntil: v.optional(v.number()),
  shown: v.optional(v.number()),
  shownAt: v.optional(v.number()),
  pushingUntil: v.optional(v.number()),
});

const linkItem = v.object({ pipeline: v.string(), executionId: v.string(), stage: v.optional(v.string()) });

const commitItem = v.object({
  release: v.optional(v.string()),
  seedChannel: v.optional(v.string()),
  seedTs: v.optional(v.string()),
  seedMessage: v.optional(v.string()),
});

export async function readRelease(key: string, deps: TableDeps): Promise<StoredRelease> {
  const item = await readItem(deps, 'release', key, releaseItem, { consistent: true });
  if (!item) return { version: 0, shown: 0 };
  return {
    // A card of an older or damaged shape reads as none: the next write replaces it.
    state: jsonOf(releaseStateSchema, item.card),
    version: item.version ?? 0,
    channel: item.channel,
    ts: item.ts,
    postingUntil: item.postingUntil,
    shown: item.shown ?? 0,
    shownAt: item.shownAt,
    pushingUntil: item.pushingUntil,
  };
}

/**
 * Writes `state` as version `seen + 1`: `written` is false when someone else wrote first (read
 * again). The first write of a release also takes the lease to post its card (as claimCardPost
 * would, one round trip sooner): no card can exist before the release does. `push`: the card could
 * be pushed now as the caller read it; the write also takes the push lease (as claimCardPush
 * would), and when that part is refused, the state is written without it (`pushing` says which).
 */
export async function writeRelease(
  key: string,
  state: ReleaseState,
  seen: number,
  deps: TableDeps,
  push?: { leaseMs: number; seenShownAt: number },
): Promise<{ written: boolean; pushing: boolean }> {
  const now = nowOf(deps);
  const write = async (withPush: boolean) => {
    const set = ['card = :card', 'version = :next', 'expiresAt = :ttl'];
    const conditions = [seen === 0 ? 'attribute_not_exists(version)' : 'version = :seen'];
    const values: Record<string, AttributeValue> = {
      ':card': s(JSON.stringify(state)),
      ':next': n(seen + 1),
      ':ttl': expiryOf('release', now),
    };
    if (seen === 0) {
      set.push('postingUntil = :until');
      values[':until'] = n(now + POST_LEASE_MS);
    } else values[':seen'] = n(seen);
    if (withPush && push) {
      const lease = pushLease(now, push.leaseMs, push.seenShownAt);
      set.push(lease.set);
      conditions.push(lease.condition);
      Object.assign(values, lease.values);
    }
    const written = await updateIf(deps, 'release', key, {
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeValues: values,
    });
    return written !== false;
  };
  if (push && seen > 0 && (await write(true))) return { written: true, pushing: true };
  return { written: await write(false), pushing: false };
}

/** The right to post the card: one invocation at a time, for a short lease, while it has no `ts`. */
export async function claimCardPost(key: string, deps: TableDeps): Promise<boolean> {
  const now = nowOf(deps);
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET postingUntil = :until',
    ConditionExpression:
      'attribute_exists(version) AND attribute_not_exists(ts) AND (attribute_not_exists(postingUntil) OR postingUntil < :now)',
    ExpressionAttributeValues: { ':until': n(now + POST_LEASE_MS), ':now': n(now) },
  });
  return written !== false;
}

/**
 * Where the card was posted; false when another invocation recorded a card first (its lease ran
 * out). `shown`: the version the new card shows, recorded with it (as recordShown would).
 * `pushLeaseMs`: a message becoming the card before it is updated takes the push lease at once,
 * so no other push overtakes it.
 */
export async function recordCardPost(
  key: string,
  channel: string,
  ts: string,
  deps: TableDeps,
  options: { shown?: { version: number; at: number }; pushLeaseMs?: number } = {},
): Promise<boolean> {
  const { shown, pushLeaseMs } = options;
  const set = ['channel = :channel', 'ts = :ts'];
  const values: Record<string, AttributeValue> = { ':channel': s(channel), ':ts': s(ts) };
  if (pushLeaseMs !== undefined) {
    set.push('pushingUntil = :until');
    values[':until'] = n(nowOf(deps) + pushLeaseMs);
  }
  if (shown) {
    set.push('shown = :v', 'shownAt = :at');
    Object.assign(values, { ':v': n(shown.version), ':at': n(shown.at) });
  }
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: `SET ${set.join(', ')} REMOVE postingUntil`,
    ConditionExpression: 'attribute_not_exists(ts)',
    ExpressionAttributeValues: values,
  });
  return written !== false;
}

/** Gives the lease back after a failed post, so the next event may post the card. */
export async function releaseCardPost(key: string, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'REMOVE postingUntil',
    ConditionExpression: 'attribute_not_exists(ts)',
  }).catch(() => undefined);
}

/** The right to push the card now: one invocation at a time, for a short lease. */
export async function claimCardPush(
  key: string,
  leaseMs: number,
  deps: TableDeps,
  /** When the card was last shown as the caller saw it: a push since then fails the claim. */
  seenShownAt = 0,
): Promise<boolean> {
  const lease = pushLease(nowOf(deps), leaseMs, seenShownAt);
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: `SET ${lease.set}`,
    ConditionExpression: lease.condition,
    ExpressionAttributeValues: lease.values,
  });
  return written !== false;
}

/**
 * The push lease as parts of an update: taken when no push is under way and the card has not been
 * shown since the caller looked at it (`seenShownAt`), so the spacing holds without another read.
 */
function pushLease(now: number, leaseMs: number, seenShownAt: number) {
  return {
    set: 'pushingUntil = :pushUntil',
    condition:
      '(attribute_not_exists(pushingUntil) OR pushingUntil < :now) AND (attribute_not_exists(shownAt) OR shownAt <= :seenShownAt)',
    values: { ':pushUntil': n(now + leaseMs), ':now': n(now), ':seenShownAt': n(seenShownAt) },
  };
}

/**
 * Notes that `version` reached Slack at `atMs`, and gives the push lease back (never lowers the
 * mark: a lower version changes nothing but the lease).
 */
export async function recordShown(
  key: string,
  version: number,
  deps: TableDeps,
  atMs?: number,
): Promise<void> {
  const shown = await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET shown = :v, shownAt = :at REMOVE pushingUntil',
    ConditionExpression: 'attribute_not_exists(shown) OR shown < :v',
    ExpressionAttributeValues: { ':v': n(version), ':at': n(atMs ?? nowOf(deps)) },
  });
  if (shown === false) await updateIf(deps, 'release', key, { UpdateExpression: 'REMOVE pushingUntil' });
}

/** The one channel broadcast of a failed release: true for the first failure that asks. */
export async function claimBroadcast(key: string, deps: TableDeps): Promise<boolean> {
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET broadcastAt = :now',
    ConditionExpression: 'attribute_not_exists(broadcastAt)',
    ExpressionAttributeValues: { ':now': n(nowOf(deps)) },
  });
  return written !== false;
}

export async function readLink(id: string, deps: TableDeps): Promise<ReleaseLink | undefined> {
  return readItem(deps, 'link', id, linkItem);
}

/**
 * Links `id` to its release, unless a link written for a later event stands (`atMs`: the time of
 * the event that found the link; a task definition redeployed later belongs to the later release).
 */
export async function writeLink(
  id: string,
  link: ReleaseLink,
  deps: TableDeps,
  atMs?: number,
): Promise<void> {
  const now = nowOf(deps);
  const at = atMs ?? now;
  await updateIf(deps, 'link', id, {
    UpdateExpression: `SET pipeline = :pipeline, executionId = :execution, linkedAt = :at, expiresAt = :ttl${link.stage ? ', stage = :stage' : ' REMOVE stage'}`,
    ConditionExpression: 'attribute_not_exists(linkedAt) OR linkedAt <= :at',
    ExpressionAttributeValues: {
      ':pipeline': s(link.pipeline),
      ':execution': s(link.executionId),
      ':at': n(at),
      ':ttl': expiryOf('link', now),
      ...(link.stage ? { ':stage': s(link.stage) } : {}),
    },
  });
}

/** A push posted before its release existed: the message that becomes the release's card. */
export interface Seed {
  channel: string;
  ts: string;
  message?: string;
}

// `release` is one of DynamoDB's reserved words: expressions name it `#release`.
const RELEASE_NAME = { '#release': 'release' };

/**
 * A commit item's release as a release id: items written before the state module hold the whole
 * key (`release#<pipeline>#<execution>`), newer ones the id (`<pipeline>#<execution>`).
 */
const releaseIdOf = (stored: string | undefined) =>
  stored ? (idOf('release', stored) ?? stored) : undefined;

/** The release a pushed commit started, if one has claimed it. */
export async function releaseOfCommit(commitId: string, deps: TableDeps): Promise<string | undefined> {
  return releaseIdOf((await readItem(deps, 'commit', commitId, commitItem, { consistent: true }))?.release);
}

/** The push side: the right to post the commit's message before any release claims it. */
export async function claimSeed(commitId: string, deps: TableDeps): Promise<boolean> {
  const now = nowOf(deps);
  const written = await updateIf(deps, 'commit', commitId, {
    UpdateExpression: 'SET pushing = :now, expiresAt = :ttl',
    ConditionExpression: 'attribute_not_exists(#release) AND attribute_not_exists(pushing)',
    ExpressionAttributeNames: RELEASE_NAME,
    ExpressionAttributeValues: { ':now': n(now), ':ttl': expiryOf('commit', now) },
  });
  return written !== false;
}

export async function recordSeed(commitId: string, seed: Seed, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'commit', commitId, {
    UpdateExpression: 'SET seedChannel = :channel, seedTs = :ts, seedMessage = :message',
    ConditionExpression: 'attribute_exists(pushing)',
    ExpressionAttributeValues: {
      ':channel': s(seed.channel),
      ':ts': s(seed.ts),
      ':message': s(seed.message ?? ''),
    },
  });
}

/**
 * The release side: claims the commit for `release`. Undefined when no push came first (or another
 * release of the same commit took its push); the push's message (once it is posted) when one did,
 * for the release to turn into its card.
 */
export async function claimCommit(
  commitId: string,
  release: string,
  deps: TableDeps & { deadline: number; sleep?: (ms: number) => Promise<void> },
): Promise<Seed | undefined> {
  // The same release in the older form of its id counts as this one.
  const claim = (condition: string) =>
    updateIf(deps, 'commit', commitId, {
      UpdateExpression: 'SET #release = :release, expiresAt = :ttl',
      ConditionExpression: condition,
      ExpressionAttributeNames: RELEASE_NAME,
      ExpressionAttributeValues: {
        ':release': s(release),
        ':whole': s(`${ITEMS.release.prefix}${release}`),
        ':ttl': expiryOf('commit', nowOf(deps)),
      },
    });
  if (await claim('attribute_not_exists(pushing) OR #release = :release OR #release = :whole'))
    return undefined;
  // A push is being posted: its message becomes the card once its ts is known (a few seconds at most).
  const until = Math.min(deps.deadline, Date.now() + 3000);
  while (Date.now() + 100 < until) {
    const item = await readItem(deps, 'commit', commitId, commitItem, { consistent: true });
    if (item?.release && releaseIdOf(item.release) !== release) return undefined;
    if (item?.seedTs && item.seedChannel) {
      const taken = await claim('attribute_not_exists(#release) OR #release = :release OR #release = :whole');
      if (!taken) return undefined;
      return { channel: item.seedChannel, ts: item.seedTs, message: item.seedMessage || undefined };
    }
    await (deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(100);
  }
  return undefined;
}

/** A message posted in Slack (a reply that offers buttons, or a notice waiting for its release). */
export interface Posted {
  channel: string;
  ts: string;
  /** The message as posted (JSON of its text and blocks), to settle or move it later. */
  message: string;
}

const postedItem = v.object({
  channel: v.string(),
  ts: v.string(),
  message: v.string(),
  settled: v.optional(v.number()),
  movedTo: v.optional(v.string()),
});

/** The reply of a release's stage that offers buttons (approval request, traffic shift). */
export async function recordOffer(
  key: string,
  stage: string,
  posted: Posted,
  deps: TableDeps,
): Promise<void> {
  const now = nowOf(deps);
  await updateIf(deps, 'reply', `${key}#${stage}`, {
    UpdateExpression: 'SET channel = :channel, ts = :ts, message = :message, expiresAt = :ttl REMOVE settled',
    ExpressionAttributeValues: {
      ':channel': s(posted.channel),
      ':ts': s(posted.ts),
      ':message': s(posted.message),
      ':ttl': expiryOf('reply', now),
    },
  });
}

/** The offer of a stage, taken once to be settled (its buttons go): undefined when none or settled. */
export async function takeOffer(key: string, stage: string, deps: TableDeps): Promise<Posted | undefined> {
  const item = await readItem(deps, 'reply', `${key}#${stage}`, postedItem, { consistent: true });
  if (!item || item.settled) return undefined;
  const taken = await updateIf(deps, 'reply', `${key}#${stage}`, {
    UpdateExpression: 'SET settled = :now',
    ConditionExpression: 'ts = :ts AND attribute_not_exists(settled)',
    ExpressionAttributeValues: { ':now': n(nowOf(deps)), ':ts': s(item.ts) },
  });
  return taken === false ? undefined : { channel: item.channel, ts: item.ts, message: item.message };
}

/** A notice posted on its own because its release was not known yet, waiting under the id that will link it. */
export async function recordOrphan(id: string, posted: Posted, deps: TableDeps): Promise<void> {
  const now = nowOf(deps);
  await updateIf(deps, 'orphan', id, {
    UpdateExpression: 'SET channel = :channel, ts = :ts, message = :message, expiresAt = :ttl',
    ConditionExpression: 'attribute_not_exists(movedTo)',
    ExpressionAttributeValues: {
      ':channel': s(posted.channel),
      ':ts': s(posted.ts),
      ':message': s(posted.message),
      ':ttl': expiryOf('orphan', now),
    },
  });
}

/** The orphan waiting under `id`, taken once by the release that adopts it. */
export async function takeOrphan(id: string, release: string, deps: TableDeps): Promise<Posted | undefined> {
  const item = await readItem(deps, 'orphan', id, postedItem, { consistent: true });
  if (!item || item.movedTo) return undefined;
  const taken = await updateIf(deps, 'orphan', id, {
    UpdateExpression: 'SET movedTo = :release',
    ConditionExpression: 'ts = :ts AND attribute_not_exists(movedTo)',
    ExpressionAttributeValues: { ':release': s(release), ':ts': s(item.ts) },
  });
  return taken === false ? undefined : { channel: item.channel, ts: item.ts, message: item.message };
}
