/**
 * Every release is one card, for a service Herald was never told about: the routing file watches
 * pipelines by prefix (`payments-*`) and lists no pipeline for release cards. Herald learns the
 * pipeline's structure itself (ListPipelines, GetPipeline), finds each deployment by its group,
 * and whatever order the events arrive in, leaves exactly one message in the channel: the card.
 */

import { resetForTests } from '../../shared/lambda/container';
import { routingFile } from '../../shared/routing/files';
import { readProd } from '../../shared/state/ships';
import {
  failedBuildRelease,
  failedProdRelease,
  happyRelease,
  type Release,
  type ReleaseEvent,
  renamed,
} from '../../testkit/releases';
import { useReleaseRig } from '../helpers/release-rig';

const { play, rig } = useReleaseRig();
const stageRouting = routingFile('stage') as { watch?: unknown };

/** The shipped scenarios, as a payments team's service that no routing file names. */
const PAYMENTS = {
  'herald-stage-pipeline': 'payments-api-pipeline',
  'herald-stage-app': 'payments-api',
  'shop-api': 'payments-repo',
};

function payments(release: Release): Release {
  return renamed(release, PAYMENTS);
}

/** A second crash of the new revision, a minute after the first. */
function withSecondCrash(release: Release): Release {
  const crash = release.events.find((e) => e.target === 'ecs');
  if (!crash) return release;
  const again = JSON.parse(
    JSON.stringify(crash).replace('9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b', '0a1b2c3d4e5f40718293a4b5c6d7e8f9'),
  ) as ReleaseEvent;
  return { ...release, events: [...release.events, { ...again, name: 'new revision crashed again' }] };
}

function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

beforeEach(() => {
  stageRouting.watch = {
    repositories: ['payments-*'],
    buildProjects: ['payments-*'],
    pipelines: ['payments-*'],
    applications: ['payments-*'],
  };
  // The deployed defaults say nothing more: the routing file's lists are in force.
  process.env.HERALD_WATCH = '{}';
  resetForTests();
});

afterEach(() => {
  delete stageRouting.watch;
  delete process.env.HERALD_WATCH;
  resetForTests();
});

async function fresh(): Promise<void> {
  rig().slack.reset();
  process.env.HERALD_STATE_TABLE = await rig().state.createTable();
  resetForTests();
}

describe.each([
  ['a successful release', () => payments(happyRelease()), 'Released: payments-api-pipeline'],
  ['a failed build', () => payments(failedBuildRelease()), 'Release failed at Build: payments-api-pipeline'],
  [
    'a failed prod deployment with task crashes and a rollback',
    () => withSecondCrash(payments(failedProdRelease())),
    'Release failed at Deploy-prod: payments-api-pipeline',
  ],
])('%s of a pipeline watched by prefix only', (_name, scenario, headline) => {
  it('is one message in the channel, its card, when the events come in order', async () => {
    const release = scenario();

    const { slack, failures } = await play(release, release.events);

    expect(failures).toEqual([]);
    expect(slack.channelMessages).toHaveLength(1);
    expect(slack.cardText).toContain(headline);
  });

  it('is one message in the channel, the same card, in 20 seeded random orders', async () => {
    const release = scenario();
    const inOrder = (await play(release, release.events)).slack.cardText;
    const cards = new Map<string, number[]>();

    for (let seed = 1; seed <= 20; seed++) {
      await fresh();
      const { slack, failures } = await play(release, shuffled(release.events, seed));
      expect({ seed, failures, top: slack.channelMessages.length }).toEqual({ seed, failures: [], top: 1 });
      cards.set(slack.cardText, [...(cards.get(slack.cardText) ?? []), seed]);
    }

    expect([...cards.keys()]).toEqual([inOrder]);
  });
});

describe('the card of a release found without configuration', () => {
  it('lists every stage from the start, pending ones as such, with the commit and its author', async () => {
    const release = payments(happyRelease());
    const started = release.events.findIndex((e) => e.name === 'Build started');

    const { slack } = await play(release, release.events.slice(0, started));

    expect(slack.cardText).toContain('Releasing: payments-api-pipeline');
    for (const stage of ['Build', 'Deploy-stage', 'Approval', 'Deploy-prod'])
      expect(slack.cardText).toMatch(new RegExp(`:white_circle: ${stage} — pending`));
    expect(slack.cardText).toContain('4e2b7d9 · Add VAT to checkout totals — Jane Doe');
  });

  it('names who approved, and says nothing of the bake window once it is over', async () => {
    const release = payments(happyRelease());

    const { slack } = await play(release, release.events);

    expect(slack.cardText).toMatch(/:white_check_mark: Approval — .*approved by li\.wei: Stage looks good/);
    expect(slack.cardText).toContain('original task set terminated');
    expect(slack.cardText).not.toContain('original kept until');
  });

  it('says what ships since prod, linking the compare view (the list stays on the approval request)', async () => {
    const release = payments(happyRelease());

    const { slack } = await play(release, release.events);

    expect(slack.cardText).toContain('*Since prod*');
    expect(slack.cardText).toContain('Ships 5 commits by 3 authors since prod');
    expect(slack.cardText).toContain('/repositories/payments-repo/compare/');
    expect(slack.cardText).not.toContain('Validate EU postcodes');
    // Its prod stage succeeded: what runs in prod now is Herald's to know, for the next request.
    const prod = await readProd('payments-api-pipeline', {
      dynamo: rig().state.client,
      table: String(process.env.HERALD_STATE_TABLE),
    });
    expect(prod?.last).toMatchObject({ revision: '4e2b7d91c3a85f60e1d2c3b4a5968778695a4b3c' });
  });

  it('says what prod was rolled back to, and keeps the rollback for the next approval request', async () => {
    const release = payments(failedProdRelease());

    const { slack } = await play(release, release.events);

    const prod = await readProd('payments-api-pipeline', {
      dynamo: rig().state.client,
      table: String(process.env.HERALD_STATE_TABLE),
    });
    expect(prod?.lastFailure).toMatchObject({ how: 'rolled back', by: 'CodeDeploy (automatic rollback)' });
    // The stage line keeps the deployment that failed, and says what runs now.
    expect(slack.cardText).toMatch(/:x: Deploy-prod — d-PROD00001 · .*rolled back to payments-repo-prod:49/);
  });

  it('broadcasts one failure of a failed release to the channel, with the mentions; the rest stays in the thread', async () => {
    const release = withSecondCrash(payments(failedProdRelease()));

    const { slack } = await play(release, release.events);

    const failures = slack.replies.filter((r) => /fail|crash/i.test(String(r.fields.text)));
    expect(failures.length).toBeGreaterThan(2);
    expect(slack.broadcasts.map((b) => String(b.fields.text))).toEqual([
      expect.stringContaining('Approval needed'),
      expect.stringMatching(/fail|crash/i),
    ]);
  });

  it('settles the approval request and the traffic shift in the thread: no buttons, how it ended', async () => {
    const release = payments(happyRelease());

    const { slack } = await play(release, release.events);

    const request = slack.replies.find((r) => String(r.fields.text).includes('Approval needed'));
    const shift = slack.replies.find((r) => String(r.fields.text).includes('shifted traffic in prod'));
    for (const reply of [request, shift]) {
      const settled = slack.updates.filter((u) => u.fields.ts === reply?.ts).at(-1);
      expect(settled).toBeDefined();
      const blocks = JSON.stringify(settled?.fields.blocks);
      expect(blocks).not.toMatch(/herald-(approve|reject|rollback|finish)/);
      expect(blocks).not.toContain('"type":"input"');
    }
    const text = (ts: string | undefined) =>
      JSON.stringify(slack.updates.filter((u) => u.fields.ts === ts).at(-1)?.fields.blocks);
    expect(text(request?.ts)).toContain('Approval: approved by li.wei: Stage looks good');
    expect(text(shift?.ts)).toContain('Deploy-prod succeeded: original task set terminated');
    // What the traffic shift said while it was open ("the original is kept…") is gone.
    expect(text(shift?.ts)).not.toContain('Traffic now goes to the new task set');
  });
});

describe('correlation reads do not grow with the number of watched pipelines', () => {
  /** The AWS answers of `count` watched payments pipelines, one of which runs the release. */
  function watching(release: Release, count: number): Release {
    const structure = release.responses['CodePipeline_20150709.GetPipeline'];
    const others = Array.from({ length: count - 1 }, (_, i) => `payments-svc${i + 1}`);
    const answers: Record<string, unknown> = { 'payments-api-pipeline': structure };
    for (const other of others)
      answers[`${other}-pipeline`] = JSON.parse(JSON.stringify(structure).split('payments-api').join(other));
    return {
      ...release,
      responses: {
        ...release.responses,
        'CodePipeline_20150709.ListPipelines': {
          pipelines: Object.keys(answers).map((name) => ({ name, version: 3 })),
        },
        'CodePipeline_20150709.GetPipeline': { $byRequest: 'name', answers },
      },
    };
  }

  /** The CodePipeline and DynamoDB calls of the stage deployment's first event, after what came before. */
  async function readsOfDeployment(count: number, before: (events: ReleaseEvent[]) => ReleaseEvent[]) {
    await fresh();
    const release = watching(payments(happyRelease()), count);
    const at = release.events.findIndex((e) => e.name === 'stage deployment started');
    await play(release, before(release.events.slice(0, at)));
    rig().state.calls.clear();
    await play(release, [release.events[at] as ReleaseEvent]);
    return {
      codePipeline: rig().aws.calls.filter((call) => call.startsWith('CodePipeline')),
      dynamo: Object.fromEntries([...rig().state.calls.entries()].sort()),
    };
  }

  it('with 50 watched pipelines, a deployment event makes the same AWS and DynamoDB reads as with one', async () => {
    const all = (events: ReleaseEvent[]) => events;
    const one = await readsOfDeployment(1, all);
    const fifty = await readsOfDeployment(50, all);

    expect(fifty).toEqual(one);
    // Its pipeline is one Query of the index away; then one ListActionExecutions finds the run.
    expect(one.codePipeline).toEqual(['CodePipeline_20150709.ListActionExecutions']);
    expect(one.dynamo.Query).toBe(1);
  });

  it('finds the pipeline of a deployment met first, right after install, and learns the watched pipelines once', async () => {
    const none = () => [];
    const first = await readsOfDeployment(50, none);

    expect(first.codePipeline.filter((c) => c.endsWith('ListPipelines'))).toHaveLength(1);
    expect(first.codePipeline.filter((c) => c.endsWith('GetPipeline'))).toHaveLength(50);
    expect(rig().slack.messages().length).toBeGreaterThan(0);
    // The card of the release was found: the deployment is its Deploy-stage line.
    const cardPosts = rig().slack.requests.filter((r) => r.path === '/api/chat.postMessage');
    expect(JSON.stringify(cardPosts[0]?.json)).toContain('Deploy-stage');
  });
});
