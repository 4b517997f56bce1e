/**
 * The release items: `release#<pipeline>#<execution>` holds the card's state (JSON), its
 * `version`, where the card is (`channel`, `ts`) and the newest version shown; `link#<id>` ties a
 * build, a deployment or a task definition to its release; `commit#<id>` ties a pushed commit to
 * the push message posted before its release, and to the release that took it. Every write is
 * conditional: a state write on the version it read (a lost race reads again), the card's first
 * post on a short lease, a link on its time (a late event never re-points a newer link).
 */
import * as z from 'zod/mini';
import { type ReleaseState, releaseStateSchema } from '../releases/state';
import { expiryOf, jsonOf, n, nowOf, readItem, s, type TableDeps, updateIf } from './table';

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
  /** The newest version some invocation has pushed to Slack. */
  shown: number;
}

/** The release's id in the table (and in logs). */
export const releaseKey = (pipeline: string, executionId: string) => `${pipeline}#${executionId}`;

const releaseItem = z.object({
  card: z.optional(z.string()),
  version: z.optional(z.number()),
  channel: z.optional(z.string()),
  ts: z.optional(z.string()),
  postingUntil: z.optional(z.number()),
  shown: z.optional(z.number()),
});

const linkItem = z.object({ pipeline: z.string(), executionId: z.string(), stage: z.optional(z.string()) });

const commitItem = z.object({
  release: z.optional(z.string()),
  seedChannel: z.optional(z.string()),
  seedTs: z.optional(z.string()),
  seedMessage: z.optional(z.string()),
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
  };
}

/** Writes `state` as version `seen + 1`; false when someone else wrote first (read again). */
export async function writeRelease(
  key: string,
  state: ReleaseState,
  seen: number,
  deps: TableDeps,
): Promise<boolean> {
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET card = :card, version = :next, expiresAt = :ttl',
    ConditionExpression: seen === 0 ? 'attribute_not_exists(version)' : 'version = :seen',
    ExpressionAttributeValues: {
      ':card': s(JSON.stringify(state)),
      ':next': n(seen + 1),
      ':ttl': expiryOf('release', nowOf(deps)),
      ...(seen === 0 ? {} : { ':seen': n(seen) }),
    },
  });
  return written !== false;
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

export async function recordCardPost(
  key: string,
  channel: string,
  ts: string,
  deps: TableDeps,
): Promise<void> {
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET channel = :channel, ts = :ts REMOVE postingUntil',
    ConditionExpression: 'attribute_not_exists(ts)',
    ExpressionAttributeValues: { ':channel': s(channel), ':ts': s(ts) },
  });
}

/** Gives the lease back after a failed post, so the next event may post the card. */
export async function releaseCardPost(key: string, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'REMOVE postingUntil',
    ConditionExpression: 'attribute_not_exists(ts)',
  }).catch(() => undefined);
}

/** Notes that `version` reached Slack (never lowers the mark: a lower one changes nothing). */
export async function recordShown(key: string, version: number, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET shown = :v',
    ConditionExpression: 'attribute_not_exists(shown) OR shown < :v',
    ExpressionAttributeValues: { ':v': n(version) },
  });
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

/** The release a pushed commit started, if one has claimed it. */
export async function releaseOfCommit(commitId: string, deps: TableDeps): Promise<string | undefined> {
  return (await readItem(deps, 'commit', commitId, commitItem, { consistent: true }))?.release;
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
  deps: TableDeps & { deadline: number; sleep: (ms: number) => Promise<void> },
): Promise<Seed | undefined> {
  const claim = (condition: string) =>
    updateIf(deps, 'commit', commitId, {
      UpdateExpression: 'SET #release = :release, expiresAt = :ttl',
      ConditionExpression: condition,
      ExpressionAttributeNames: RELEASE_NAME,
      ExpressionAttributeValues: { ':release': s(release), ':ttl': expiryOf('commit', nowOf(deps)) },
    });
  if (await claim('attribute_not_exists(pushing) OR #release = :release')) return undefined;
  // A push is being posted: its message becomes the card once its ts is known (a few seconds at most).
  const until = Math.min(deps.deadline, Date.now() + 3000);
  while (Date.now() + 100 < until) {
    const item = await readItem(deps, 'commit', commitId, commitItem, { consistent: true });
    if (item?.release && item.release !== release) return undefined;
    if (item?.seedTs && item.seedChannel) {
      const taken = await claim('attribute_not_exists(#release) OR #release = :release');
      if (!taken) return undefined;
      return { channel: item.seedChannel, ts: item.seedTs, message: item.seedMessage || undefined };
    }
    await deps.sleep(100);
  }
  return undefined;
}
