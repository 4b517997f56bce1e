import { send } from '../../../shared/flow/notify';
import type { Notice, ReleaseStep } from '../../../shared/notice/notice';
import { describeCard } from '../../../shared/releases/card';
import { applyStep, emptyRelease } from '../../../shared/releases/state';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackServer } from '../../../testkit/slack-receiver';
import type { StateTableServer } from '../../../testkit/state-table';
import { testRuntime, useSlackAndState } from '../../helpers/runtime';

const STARTED: Notice = {
  source: 'codepipeline',
  kind: 'pipeline.started',
  severity: 'info',
  title: 'Pipeline started: shop',
  facts: [],
  details: [],
  links: [],
  context: [],
  correlation: {},
  release: {
    pipeline: 'shop',
    executionId: 'e-1',
    level: 'pipeline',
    state: 'running',
    priority: 0,
    at: '2026-11-20T14:00:00Z',
  },
};

const local = useSlackAndState();
let slack: SlackServer;
let state: StateTableServer;

beforeEach(() => {
  slack = local.slack();
  state = local.state();
});

const APP = { SLACK_BOT_TOKEN: 'xoxb-local-unit-0000', SLACK_CHANNEL: 'C0RELEASES' };

async function appRuntime(routing?: RoutingConfig) {
  return testRuntime(slack, {
    routing,
    env: { ...APP, SLACK_API_URL: slack.apiUrl },
    state: { dynamo: state.client, table: await state.createTable() },
  });
}

describe('release cards in app mode (send)', () => {
  it('turns the first notice of a release into its card', async () => {
    const { runtime } = await appRuntime();

    await send(runtime, STARTED);

    expect(slack.requests.map((r) => r.path)).toEqual(['/api/chat.postMessage']);
    expect(String(((slack.requests[0]?.json ?? {}) as { text?: string }).text)).toMatch(/^Releasing: shop/);
  });

  it('posts a notice on its own where its route says "thread": false', async () => {
    const { runtime } = await appRuntime({
      channels: { releases: { webhookParameter: '/herald/t/slack/releases' } },
      routes: [{ channels: ['releases'], thread: false }],
    });

    await send(runtime, STARTED);

    expect(slack.requests).toHaveLength(1);
    expect(((slack.requests[0]?.json ?? {}) as { text?: string }).text).toBe('Pipeline started: shop');
  });

  it('posts a notice of a release not known yet on its own, to move it into the thread later', async () => {
    const { runtime, lines } = await appRuntime();
    const orphan: Notice = {
      ...STARTED,
      kind: 'build.failed',
      release: { via: { buildId: 'p:1' }, level: 'stage', priority: 2 },
    };

    await send(runtime, orphan);

    expect(slack.requests).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Notice posted on its own until its release is known',
        attributes: expect.objectContaining({ kind: 'build.failed' }),
      }),
    );
  });

  it('posts a notice of no release at all on its own, saying why', async () => {
    const { runtime, lines } = await appRuntime();
    // Nothing could ever link it: no build, deployment or task definition to wait for.
    const lonely: Notice = { ...STARTED, kind: 'build.failed', release: { level: 'stage', priority: 2 } };

    await send(runtime, lonely);

    expect(slack.requests).toHaveLength(1);
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'Notice posted on its own',
        attributes: expect.objectContaining({ why: 'no pipeline run of it found' }),
      }),
    );
  });
});

describe('the release state (pure)', () => {
  const steps: ReleaseStep[] = [
    {
      pipeline: 'shop',
      executionId: 'e-1',
      level: 'pipeline',
      state: 'running',
      priority: 0,
      at: '2026-11-20T14:00:00Z',
    },
    {
      level: 'stage',
      stage: 'Build',
      state: 'running',
      priority: 2,
      at: '2026-11-20T14:01:00Z',
      label: 'Build #43',
    },
    { level: 'stage', stage: 'Build', state: 'succeeded', priority: 0, at: '2026-11-20T14:04:00Z' },
    { level: 'stage', stage: 'Build', state: 'running', priority: 0, at: '2026-11-20T14:01:00Z' },
    { level: 'pipeline', state: 'succeeded', priority: 0, at: '2026-11-20T16:18:00Z' },
  ];

  it('never regresses a stage: a STARTED read after SUCCEEDED changes nothing', () => {
    const release = steps.reduce(applyStep, emptyRelease('shop', 'e-1'));

    expect(release.stages.Build?.state).toBe('succeeded');
    expect(release.stages.Build?.label?.value).toBe('Build #43');
  });

  it('gives the same card whatever order the steps come in, and twice the same as once', () => {
    const cards = new Set<string>();
    const orders = [
      steps,
      [...steps].reverse(),
      [steps[2], steps[4], steps[0], steps[3], steps[1], steps[2]],
    ];
    for (const order of orders) {
      const release = (order as ReleaseStep[]).reduce(applyStep, emptyRelease('shop', 'e-1'));
      cards.add(JSON.stringify(describeCard(release)));
    }

    expect(cards.size).toBe(1);
    expect(describeCard(steps.reduce(applyStep, emptyRelease('shop', 'e-1'))).title).toBe('Released: shop');
  });
});
