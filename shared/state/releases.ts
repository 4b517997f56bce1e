/**
 * The release items: `release#<pipeline>#<execution>` holds the card's state: the steps appended
 * by every event (`steps`, folded on reading: merging is order-free) over the state last compacted
 * (`card`), a `version` counting the writes, where the card is (`channel`, `ts`) and the newest
 * version shown; `link#<id>` ties a build, a deployment or a task definition to its release;
 * `commit#<id>` ties a pushed commit to the push message posted before its release, and to the
 * release that took it. A step is appended unconditionally (one round trip, no lost race); the
 * card's post and push are conditional leases, a link is conditional on its time (a late event
 * never re-points a newer link).
 */

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import {
  foldSteps,
  type ReleaseState,
  releaseStateSchema,
  type StoredStep,
  storedStepSchema,
} from '../releases/state';
import {
  expiryOf,
  ITEMS,
  idOf,
  jsonOf,
  n,
  nowOf,
  plainOf,
  readAttributes,
  readItem,
  s,
  type TableDeps,
  updateIf,
  updateReturning,
} from './table';

const POST_LEASE_MS = 15_000;

/**
 * The push lease is free: no push under way (or its lease ran out), and the card not shown after
 * the time in `shownBy` (the spacing, or when the caller last saw it shown).
 */
const pushFree = (shownBy: string) =>
  `(attribute_not_exists(pushingUntil) OR pushingUntil < :now) AND (attribute_not_exists(shownAt) OR shownAt <= ${shownBy})`;

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
  /** Steps appended since the state was last compacted. */
  steps?: number;
  /** This invocation holds the lease to post the card (taken with the release's first write). */
  posting?: boolean;
  /** This invocation holds the lease to push the card (taken with its write of the release). */
  pushing?: boolean;
}

/** The release's id in the table (and in logs). */
export const releaseKey = (pipeline: string, executionId: string) => `${pipeline}#${executionId}`;

const releaseItem = v.object({
  card: v.optional(v.string()),
  stageOrder: v.optional(v.string()),
  version: v.optional(v.number()),
  channel: v.optional(v.string()),
  ts: v.optional(v.string()),
  postingUntil: v.optional(v.number()),
  shown: v.optional(v.number()),
  shownAt: v.optional(v.number()),
  pushingUntil: v.optional(v.number()),
});

const stageOrderSchema = v.array(v.string());

const linkItem = v.object({ pipeline: v.string(), executionId: v.string(), stage: v.optional(v.string()) });

const commitItem = v.object({
  release: v.optional(v.string()),
  seedChannel: v.optional(v.string()),
  seedTs: v.optional(v.string()),
  seedMessage: v.optional(v.string()),
});

/**
 * A release item as its card sees it: the compacted state (`card`) with the steps appended since
 * folded in (`leaveOut`: the newest steps not folded, to tell what they changed).
 */
function releaseOfItem(key: string, item: Record<string, AttributeValue>, leaveOut = 0): StoredRelease {
  const plain = v.safeParse(releaseItem, plainOf(item));
  const fields = plain.success ? plain.output : {};
  const steps = (item.steps?.L ?? []).flatMap((entry) => {
    const step = jsonOf(storedStepSchema, entry.S);
    return step ? [step] : [];
  });
  const at = key.lastIndexOf('#');
  // A card of an older or damaged shape reads as none: the steps since rebuild what they can.
  const base = jsonOf(releaseStateSchema, fields.card);
  const state = foldSteps(base, key.slice(0, at), key.slice(at + 1), steps.slice(0, steps.length - leaveOut));
  const order = jsonOf(stageOrderSchema, fields.stageOrder);
  if (state && !state.order && order) state.order = order;
  return {
    state,
    version: fields.version ?? 0,
    channel: fields.channel,
    ts: fields.ts,
    postingUntil: fields.postingUntil,
    shown: fields.shown ?? 0,
    shownAt: fields.shownAt,
    pushingUntil: fields.pushingUntil,
    steps: steps.length,
  };
}

export async function readRelease(key: string, deps: TableDeps): Promise<StoredRelease> {
  const item = await readAttributes(deps, 'release', key, { consistent: true });
  return item ? releaseOfItem(key, item) : { version: 0, shown: 0 };
}

/** What an appended step did: the release after it, and whether the step changed its card. */
export interface Appended {
  release: StoredRelease;
  changed: boolean;
}

/**
 * Appends a step to its release in one write, whatever the release holds (merging is order-free:
 * no read first, no lost race), and answers with the release after it. The write that creates the
 * release takes the lease to post its card. `push`: the write also takes the lease to push the card
 * when one is posted, no push is under way and the last one is `spacingMs` old; when that part is
 * refused, the step is appended without it (`pushing` says which). `order`: the pipeline's stages,
 * kept with the release when it has none yet.
 */
export async function appendStep(
  key: string,
  step: StoredStep,
  deps: TableDeps,
  options: { push?: { leaseMs: number; spacingMs: number }; order?: string[] } = {},
): Promise<Appended> {
  const now = nowOf(deps);
  const append = (push: { leaseMs: number; spacingMs: number } | undefined) => {
    const set = [
      'steps = list_append(if_not_exists(steps, :none), :step)',
      'version = if_not_exists(version, :zero) + :one',
      'expiresAt = :ttl',
      'postingUntil = if_not_exists(postingUntil, :postUntil)',
    ];
    const values: Record<string, AttributeValue> = {
      ':none': { L: [] },
      ':step': { L: [s(JSON.stringify(step))] },
      ':zero': n(0),
      ':one': n(1),
      ':ttl': expiryOf('release', now),
      ':postUntil': n(now + POST_LEASE_MS),
    };
    if (options.order) {
      set.push('stageOrder = if_not_exists(stageOrder, :order)');
      values[':order'] = s(JSON.stringify(options.order));
    }
    let condition: string | undefined;
    if (push) {
      set.push('pushingUntil = :pushUntil');
      // A new release is written either way (its writer posts the card; the push lease goes then).
      condition = `attribute_not_exists(version) OR (attribute_exists(ts) AND ${pushFree(':spacedBefore')})`;
      Object.assign(values, {
        ':pushUntil': n(now + push.leaseMs),
        ':now': n(now),
        ':spacedBefore': n(now - push.spacingMs),
      });
    }
    return updateReturning(deps, 'release', key, {
      UpdateExpression: `SET ${set.join(', ')}`,
      ...(condition ? { ConditionExpression: condition } : {}),
      ExpressionAttributeValues: values,
    });
  };
  const leased = options.push ? await append(options.push) : false;
  const item = leased || (await append(undefined));
  if (!item) throw new Error('the release step was not appended');
  const release = releaseOfItem(key, item);
  const first = release.version === 1;
  release.posting = first;
  release.pushing = Boolean(leased) && !first;
  const before = releaseOfItem(key, item, 1).state;
  return { release, changed: JSON.stringify(before) !== JSON.stringify(release.state) };
}

/**
 * Folds the appended steps into the stored state, while no step came since (`version`): keeps the
 * item small. Nothing is lost when it does not happen; the next append is one more step to fold.
 */
export async function compactRelease(key: string, release: StoredRelease, deps: TableDeps): Promise<void> {
  if (!release.state) return;
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET card = :card REMOVE steps',
    ConditionExpression: 'version = :version',
    ExpressionAttributeValues: { ':card': s(JSON.stringify(release.state)), ':version': n(release.version) },
  });
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
 * Where the card was posted, and the version it shows (as recordShown would); false when another
 * invocation recorded a card first (its lease ran out).
 */
export async function recordCardPost(
  key: string,
  where: { channel: string; ts: string },
  shown: { version: number; at: number },
  deps: TableDeps,
): Promise<boolean> {
  // The post lease is spent (0, not removed: the release's next appends would take it again); a
  // push lease the first write took with it ends with the post.
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression:
      'SET channel = :channel, ts = :ts, postingUntil = :zero, shown = :v, shownAt = :at REMOVE pushingUntil',
    ConditionExpression: 'attribute_not_exists(ts)',
    ExpressionAttributeValues: {
      ':channel': s(where.channel),
      ':ts': s(where.ts),
      ':zero': n(0),
      ':v': n(shown.version),
      ':at': n(shown.at),
    },
  });
  return written !== false;
}

/** Gives the lease back after a failed post, so the next event may post the card. */
export async function releaseCardPost(key: string, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET postingUntil = :zero',
    ConditionExpression: 'attribute_not_exists(ts)',
    ExpressionAttributeValues: { ':zero': n(0) },
  }).catch(() => undefined);
}

/**
 * The right to push the card now: one invocation at a time, for a short lease, and only when the
 * card has not been shown since the caller looked at it (`seenShownAt`), so the spacing holds.
 */
export async function claimCardPush(
  key: string,
  leaseMs: number,
  deps: TableDeps,
  seenShownAt = 0,
): Promise<boolean> {
  const now = nowOf(deps);
  const written = await updateIf(deps, 'release', key, {
    UpdateExpression: 'SET pushingUntil = :pushUntil',
    ConditionExpression: pushFree(':seenShownAt'),
    ExpressionAttributeValues: {
      ':pushUntil': n(now + leaseMs),
      ':now': n(now),
      ':seenShownAt': n(seenShownAt),
    },
  });
  return written !== false;
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
    // Only on a release that exists (a claim made ahead must not create one).
    ConditionExpression: 'attribute_exists(version) AND attribute_not_exists(broadcastAt)',
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
  const mine = (stored: string | number | boolean | undefined) =>
    typeof stored === 'string' && releaseIdOf(stored) === release;
  // One write, whichever came first: no push, a push whose message is posted (the seed, taken
  // from the item as it was), or this release's own earlier claim (in the older form of its id too).
  const until = Math.min(deps.deadline, Date.now() + 3000);
  for (;;) {
    const before = await updateIf(deps, 'commit', commitId, {
      UpdateExpression: 'SET #release = :release, expiresAt = :ttl',
      ConditionExpression:
        'attribute_not_exists(pushing) OR #release = :release OR #release = :whole OR (attribute_exists(seedTs) AND attribute_not_exists(#release))',
      ExpressionAttributeNames: RELEASE_NAME,
      ExpressionAttributeValues: {
        ':release': s(release),
        ':whole': s(`${ITEMS.release.prefix}${release}`),
        ':ttl': expiryOf('commit', nowOf(deps)),
      },
    });
    if (before) {
      if (mine(before.release) || !before.pushing) return undefined;
      const seed = v.safeParse(commitItem, before);
      const { seedChannel, seedTs, seedMessage } = seed.success ? seed.output : {};
      return seedChannel && seedTs
        ? { channel: seedChannel, ts: seedTs, message: seedMessage || undefined }
        : undefined;
    }
    // Another release took the commit's push, or the push is being posted (its ts comes in a moment).
    if (Date.now() + 100 >= until) return undefined;
    const item = await readItem(deps, 'commit', commitId, commitItem, { consistent: true });
    if (item?.release && releaseIdOf(item.release) !== release) return undefined;
    await (deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms))))(100);
  }
}

/**
 * Gives a commit's push back after this release claimed it and could not make it its card (Slack
 * refused, or the card's record failed): the next claim of a release takes the push again, to make
 * it the card or move it into the card's thread.
 */
export async function releaseCommitClaim(commitId: string, release: string, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'commit', commitId, {
    UpdateExpression: 'REMOVE #release',
    ConditionExpression: '#release = :release',
    ExpressionAttributeNames: RELEASE_NAME,
    ExpressionAttributeValues: { ':release': s(release) },
  });
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
