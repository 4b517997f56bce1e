/**
 * The release item on dynalite, through the real SDK: a step is appended in one write whatever the
 * item holds, and read back folded; the card's leases come with that write; compaction loses
 * nothing; a commit's claim is one write, the seed of a push included.
 */
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { applyStep, emptyRelease, type StoredStep } from '../../../shared/releases/state';
import {
  appendStep,
  claimCommit,
  compactRelease,
  readRelease,
  recordCardPost,
  releaseCommitClaim,
  releaseKey,
} from '../../../shared/state/releases';
import type { TableDeps } from '../../../shared/state/table';
import type { StateTableServer } from '../../../testkit/state-table';
import { useSlackAndState } from '../../helpers/runtime';

const local = useSlackAndState();
let state: StateTableServer;
let deps: TableDeps;

beforeEach(async () => {
  state = local.state();
  deps = { dynamo: state.client, table: await state.createTable() };
});

const KEY = releaseKey('shop-pipeline', 'e-1');
const PUSH = { leaseMs: 3000, spacingMs: 0 };

const stageStep = (stage: string, state: StoredStep['state'], at: string): StoredStep => ({
  level: 'stage',
  stage,
  state,
  at,
  priority: 0,
});

const STEPS: StoredStep[] = [
  {
    level: 'pipeline',
    state: 'running',
    at: '2026-11-20T14:00:00Z',
    priority: 0,
    commit: { id: 'c'.repeat(40) },
  },
  ...['Source', 'Build', 'Deploy-stage', 'Approval', 'Deploy-prod'].flatMap((stage, i) => [
    stageStep(stage, 'running', `2026-11-20T14:0${i + 1}:00Z`),
    stageStep(stage, 'succeeded', `2026-11-20T14:0${i + 1}:30Z`),
  ]),
  { level: 'pipeline', state: 'succeeded', at: '2026-11-20T14:09:00Z', priority: 0 },
];

const folded = (steps: StoredStep[]) => steps.reduce(applyStep, emptyRelease('shop-pipeline', 'e-1'));

async function rawItem(): Promise<Record<string, unknown> | undefined> {
  const { Item } = await state.client.send(
    new GetItemCommand({
      TableName: deps.table,
      Key: { key: { S: `release#${KEY}` } },
      ConsistentRead: true,
    }),
  );
  return Item;
}

describe('a release step', () => {
  it('is appended by every writer at once, none lost, each answered with its own version', async () => {
    const results = await Promise.all(STEPS.map((step) => appendStep(KEY, step, deps)));

    expect(results.map((r) => r.release.version).sort((a, b) => a - b)).toEqual(STEPS.map((_, i) => i + 1));
    expect((await readRelease(KEY, deps)).state).toEqual(folded(STEPS));
    // Only the write that created the release may post its card.
    expect(results.filter((r) => r.release.posting).map((r) => r.release.version)).toEqual([1]);
  });

  it('answers with the release as it left it, so the card needs no read', async () => {
    await appendStep(KEY, STEPS[0] as StoredStep, deps);

    const { release, changed } = await appendStep(KEY, STEPS[1] as StoredStep, deps);

    expect(changed).toBe(true);
    expect(release.state).toEqual(folded(STEPS.slice(0, 2)));
    expect(release).toMatchObject({ version: 2, posting: false, pushing: false, steps: 2 });
  });

  it('says when it changed nothing the card shows (an event delivered twice)', async () => {
    await appendStep(KEY, STEPS[0] as StoredStep, deps);
    await appendStep(KEY, STEPS[1] as StoredStep, deps);

    const again = await appendStep(KEY, STEPS[1] as StoredStep, deps);

    expect(again.changed).toBe(false);
    expect(again.release.version).toBe(3);
  });

  it('takes the push lease with it only while the card is posted and no push is under way', async () => {
    const created = await appendStep(KEY, STEPS[0] as StoredStep, deps, { push: PUSH });
    expect(created.release).toMatchObject({ posting: true, pushing: false });

    // No card yet: the step goes in without the lease.
    const early = await appendStep(KEY, STEPS[1] as StoredStep, deps, { push: PUSH });
    expect(early.release).toMatchObject({ version: 2, pushing: false });

    const card = { channel: 'C0RELEASES', ts: '1700000000.000100' };
    expect(await recordCardPost(KEY, card, { version: 2, at: 0 }, deps)).toBe(true);
    const leased = await appendStep(KEY, STEPS[2] as StoredStep, deps, { push: PUSH });
    expect(leased.release).toMatchObject({ version: 3, pushing: true });

    // A push under way: the next step is appended all the same, without the lease.
    const refused = await appendStep(KEY, STEPS[3] as StoredStep, deps, { push: PUSH });
    expect(refused.release).toMatchObject({ version: 4, pushing: false });
    expect(refused.release.state).toEqual(folded(STEPS.slice(0, 4)));
  });

  it('waits for the spacing: a card shown a moment ago is not leased again', async () => {
    await appendStep(KEY, STEPS[0] as StoredStep, deps);
    await recordCardPost(
      KEY,
      { channel: 'C0RELEASES', ts: '1700000000.000100' },
      { version: 1, at: Date.now() },
      deps,
    );

    const spaced = await appendStep(KEY, STEPS[1] as StoredStep, deps, {
      push: { leaseMs: 3000, spacingMs: 60_000 },
    });
    const due = await appendStep(KEY, STEPS[2] as StoredStep, deps, { push: PUSH });

    expect(spaced.release.pushing).toBe(false);
    expect(due.release.pushing).toBe(true);
  });

  it('keeps the stage order given with it, once', async () => {
    await appendStep(KEY, STEPS[0] as StoredStep, deps, { order: ['Source', 'Build'] });
    const { release } = await appendStep(KEY, STEPS[1] as StoredStep, deps, { order: ['Other'] });

    expect(release.state?.order).toEqual(['Source', 'Build']);
  });
});

describe('a release item', () => {
  it('is compacted into its state without losing a step appended meanwhile', async () => {
    for (const step of STEPS.slice(0, 6)) await appendStep(KEY, step, deps);
    const seen = await readRelease(KEY, deps);
    await appendStep(KEY, STEPS[6] as StoredStep, deps);

    // Stale: a step came after the read, so nothing is folded.
    await compactRelease(KEY, seen, deps);
    expect((await rawItem())?.steps).toBeDefined();
    expect((await readRelease(KEY, deps)).state).toEqual(folded(STEPS.slice(0, 7)));

    await compactRelease(KEY, await readRelease(KEY, deps), deps);
    expect((await rawItem())?.steps).toBeUndefined();
    expect((await readRelease(KEY, deps)).state).toEqual(folded(STEPS.slice(0, 7)));
    const next = await appendStep(KEY, STEPS[7] as StoredStep, deps);
    expect(next.release).toMatchObject({ version: 8, steps: 1 });
    expect(next.release.state).toEqual(folded(STEPS.slice(0, 8)));
  });

  it('written by an earlier Herald (a whole card, no steps) takes steps on top of its card', async () => {
    const card = folded(STEPS.slice(0, 3));
    await state.client.send(
      new PutItemCommand({
        TableName: deps.table,
        Item: { key: { S: `release#${KEY}` }, card: { S: JSON.stringify(card) }, version: { N: '3' } },
      }),
    );

    const { release } = await appendStep(KEY, STEPS[3] as StoredStep, deps);

    expect(release.version).toBe(4);
    expect(release.posting).toBe(false);
    expect(release.state).toEqual(folded(STEPS.slice(0, 4)));
  });

  it('leaves a damaged step out and folds the rest', async () => {
    await state.client.send(
      new PutItemCommand({
        TableName: deps.table,
        Item: {
          key: { S: `release#${KEY}` },
          version: { N: '3' },
          steps: {
            L: [
              { S: JSON.stringify(STEPS[0]) },
              { S: '{"level":"stage","stage":' },
              { S: JSON.stringify(STEPS[1]) },
            ],
          },
        },
      }),
    );

    expect((await readRelease(KEY, deps)).state).toEqual(folded(STEPS.slice(0, 2)));
  });
});

describe("a commit's claim", () => {
  const COMMIT = 'c'.repeat(40);
  const claimDeps = () => ({ ...deps, deadline: Date.now() + 5000 });
  const putCommit = (fields: Record<string, { S: string } | { N: string }>) =>
    state.client.send(
      new PutItemCommand({ TableName: deps.table, Item: { key: { S: `commit#${COMMIT}` }, ...fields } }),
    );

  it("takes a push's posted message as the card's seed in one write", async () => {
    await putCommit({
      pushing: { N: '1' },
      seedChannel: { S: 'C0RELEASES' },
      seedTs: { S: '1700000000.000200' },
      seedMessage: { S: '{"text":"push"}' },
    });
    state.calls.clear();

    const seed = await claimCommit(COMMIT, KEY, claimDeps());

    expect(seed).toEqual({ channel: 'C0RELEASES', ts: '1700000000.000200', message: '{"text":"push"}' });
    expect([...state.calls.entries()]).toEqual([['UpdateItem', 1]]);
    // Taken: the same release claiming again (another of its events) gets no seed a second time.
    expect(await claimCommit(COMMIT, KEY, claimDeps())).toBeUndefined();
  });

  it('gives a seed back that the release could not make its card: the next claim takes it again', async () => {
    await putCommit({ pushing: { N: '1' }, seedChannel: { S: 'C0RELEASES' }, seedTs: { S: '1.2' } });
    expect(await claimCommit(COMMIT, KEY, claimDeps())).toMatchObject({ ts: '1.2' });

    // Another release's give-back changes nothing; the claimer's own does.
    await releaseCommitClaim(COMMIT, releaseKey('shop-pipeline', 'e-2'), deps);
    expect(await claimCommit(COMMIT, KEY, claimDeps())).toBeUndefined();
    await releaseCommitClaim(COMMIT, KEY, deps);

    expect(await claimCommit(COMMIT, KEY, claimDeps())).toMatchObject({ ts: '1.2' });
  });

  it('claims a commit no push announced, and leaves a push taken by another release alone', async () => {
    expect(await claimCommit(COMMIT, KEY, claimDeps())).toBeUndefined();

    const other = releaseKey('shop-pipeline', 'e-2');
    await putCommit({
      pushing: { N: '1' },
      release: { S: KEY },
      seedChannel: { S: 'C0' },
      seedTs: { S: '1.2' },
    });
    expect(await claimCommit(COMMIT, other, claimDeps())).toBeUndefined();
  });
});
