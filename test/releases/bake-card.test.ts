/**
 * App mode: while the prod deployment bakes, the release card offers Roll back / Finish now like
 * the traffic-shifted reply does; a decision from either shows on the card, which then offers
 * nothing more.
 */

import { createSlackActionsHandler } from '../../functions/slack-actions/handler';
import { FINISH_ACTION, ROLLBACK_ACTION } from '../../shared/decisions/rollbacks';
import { resetForTests } from '../../shared/lambda/container';
import { routingFile } from '../../shared/routing/files';
import { happyRelease } from '../../testkit/releases';
import { clickPayload, signedRequest } from '../../testkit/slack-interaction';
import { captureLogs, lambdaContext } from '../helpers/lambda';
import { useReleaseRig } from '../helpers/release-rig';

const { play, rig } = useReleaseRig();
const stageRouting = routingFile('stage') as { rollbacks?: unknown };

type Blocks = Array<{ type: string; elements?: Array<{ action_id?: string; value?: string }> }>;
const actionIds = (blocks: Blocks) =>
  blocks
    .flatMap((b) => b.elements ?? [])
    .flatMap((e) => (e.action_id?.startsWith('herald-') ? [e.action_id] : []));

beforeEach(() => {
  stageRouting.rollbacks = {
    signingSecretParameter: '/herald/stage/slack/signing-secret',
    rules: [{ environment: 'prod', allowed: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }] }],
  };
  resetForTests();
});

afterEach(() => {
  delete stageRouting.rollbacks;
});

describe('the release card during the prod bake window', () => {
  it('offers the buttons, and after a Roll back on it says who rolled back and offers nothing', async () => {
    const release = happyRelease();
    const upTo = release.events.findIndex((event) => event.name === 'prod traffic shifted');
    const { slack } = await play(release, release.events.slice(0, upTo + 1));
    const card = slack.updates.at(-1);
    const cardBlocks = (card?.fields.blocks ?? []) as Blocks;
    expect(actionIds(cardBlocks)).toEqual([ROLLBACK_ACTION, FINISH_ACTION]);
    const shifted = slack.replies.find((r) => String(r.fields.text).includes('shifted traffic'));
    expect(actionIds((shifted?.fields.blocks ?? []) as Blocks)).toEqual([ROLLBACK_ACTION, FINISH_ACTION]);
    const value = cardBlocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ROLLBACK_ACTION)?.value;

    rig().aws.use({
      ...release.responses,
      'CodeDeploy_20141006.GetDeployment': {
        deploymentInfo: {
          deploymentId: 'd-PROD00001',
          applicationName: 'herald-stage-app',
          deploymentGroupName: 'herald-stage-app-prod',
          status: 'InProgress',
          instanceTerminationWaitTimeStarted: true,
        },
      },
      'CodeDeploy_20141006.StopDeployment': { status: 'Pending' },
    });
    const before = rig().slack.requests.length;
    const now = Math.floor(Date.parse('2026-11-20T15:00:00Z') / 1000);
    const logs = captureLogs();
    const response = await createSlackActionsHandler({ nowSeconds: () => now })(
      signedRequest(
        clickPayload({
          actionId: ROLLBACK_ACTION,
          value,
          reason: '5xx on /checkout',
          blocks: cardBlocks,
          messageTs: card?.fields.ts as string,
          responseUrl: `${rig().slack.url}/actions/T0/1/x`,
        }),
        { timestamp: now },
      ),
      lambdaContext(6000),
    );
    logs.restore();

    expect(response.statusCode).toBe(200);
    expect(rig().aws.calls).toContain('CodeDeploy_20141006.StopDeployment');
    const updates = rig()
      .slack.requests.slice(before)
      .filter((r) => r.accepted && r.path === '/api/chat.update');
    const ofCard = updates.filter((u) => (u.json as { ts?: string }).ts === card?.fields.ts);
    const last = ofCard.at(-1)?.json as { ts?: string; blocks?: Blocks } | undefined;
    expect(actionIds(last?.blocks ?? [])).toEqual([]);
    expect(JSON.stringify(last?.blocks)).toMatch(
      /Deploy-prod — .*rolled back from Slack by Li Wei at 15:00 UTC: 5xx on \/checkout/,
    );
    // The traffic shift in the thread offers its buttons no more either, and says what was decided.
    const shift = updates.filter((u) => (u.json as { ts?: string }).ts !== card?.fields.ts).at(-1)?.json as
      | { blocks?: Blocks }
      | undefined;
    expect(actionIds(shift?.blocks ?? [])).toEqual([]);
    expect(JSON.stringify(shift?.blocks)).toContain('rolled back from Slack by Li Wei');
  });

  it('offers nothing once the deployment has succeeded (the window is over)', async () => {
    const release = happyRelease();

    const { slack } = await play(release, release.events);

    expect(slack.cardText).toContain('Released');
    expect(actionIds((slack.updates.at(-1)?.fields.blocks ?? []) as Blocks)).toEqual([]);
  });
});
