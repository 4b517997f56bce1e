import {
  CodeDeployClient,
  ContinueDeploymentCommand,
  type DeploymentStatus,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { mockClient } from 'aws-sdk-client-mock';
import { createSlackActionsHandler } from '../../../functions/slack-actions/handler';
import { encodeButtonValue } from '../../../shared/decisions/button-value';
import { FINISH_ACTION, ROLLBACK_ACTION } from '../../../shared/decisions/rollbacks';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import type { SlackMessage } from '../../../shared/slack/message';
import {
  BAKE,
  BAKE_CLICK_TIME,
  type Click,
  clickPayload,
  signedRequest,
  TEST_SIGNING_SECRET,
} from '../../../testkit/slack-interaction';
import { type SlackServer, startSlackServer } from '../../../testkit/slack-receiver';
import { type StateTableServer, startStateTable } from '../../../testkit/state-table';
import { captureLogs, lambdaContext } from '../../helpers/lambda';
import { groupMembers, useAppMode } from '../../helpers/slack-groups';
import { assertSlackLimits, visibleText } from '../../helpers/slack-limits';

const codeDeploy = mockClient(CodeDeployClient);
const handle = createSlackActionsHandler({ nowSeconds: () => BAKE_CLICK_TIME });
const stageRouting = routingFile('stage') as { rollbacks?: unknown };

const RULES = {
  rules: [{ environment: 'prod', allowed: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }] }],
};

/** The deployment as CodeDeploy tells it during the bake window. */
const baking = {
  deploymentInfo: {
    deploymentId: BAKE.deployment,
    applicationName: BAKE.application,
    deploymentGroupName: BAKE.group,
    status: 'InProgress',
    instanceTerminationWaitTimeStarted: true,
  },
} as const;

let slack: SlackServer;
let state: StateTableServer;

beforeAll(async () => {
  [slack, state] = await Promise.all([startSlackServer(), startStateTable()]);
});

afterAll(async () => {
  await Promise.all([slack.close(), state.close()]);
});

beforeEach(async () => {
  codeDeploy.reset();
  slack.requests.length = 0;
  stageRouting.rollbacks = RULES;
  process.env.SLACK_SIGNING_SECRET = TEST_SIGNING_SECRET;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = state.endpoint;
  process.env.HERALD_STATE_TABLE = await state.createTable();
  resetForTests();
  codeDeploy.on(GetDeploymentCommand).resolves(baking);
  codeDeploy.on(StopDeploymentCommand).resolves({ status: 'Pending' });
  codeDeploy.on(ContinueDeploymentCommand).resolves({});
});

afterEach(() => {
  delete stageRouting.rollbacks;
  delete process.env.SLACK_SIGNING_SECRET;
  delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  delete process.env.HERALD_STATE_TABLE;
});

const responsePath = '/actions/T0LOCAL/1795192800/bakeresponse';

/** The bake-window message as Herald posts it: header, a link, the two buttons, the reason box. */
const bakeBlocks = [
  {
    type: 'header',
    text: { type: 'plain_text', text: 'Deployment shifted traffic in prod: herald-stage-app' },
  },
  {
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: 'Open deployment' },
        url: 'https://console.aws.amazon.com/',
      },
      {
        type: 'button',
        action_id: ROLLBACK_ACTION,
        value: encodeButtonValue(BAKE),
        text: { type: 'plain_text', text: 'Roll back' },
      },
      {
        type: 'button',
        action_id: FINISH_ACTION,
        value: encodeButtonValue(BAKE),
        text: { type: 'plain_text', text: 'Finish now' },
      },
    ],
  },
  {
    type: 'input',
    block_id: 'herald-reason',
    element: { type: 'plain_text_input', action_id: 'herald-reason-input' },
  },
];

async function click(overrides: Partial<Click> = {}, options: Parameters<typeof signedRequest>[1] = {}) {
  const logs = captureLogs();
  try {
    const response = await handle(
      signedRequest(
        clickPayload({
          responseUrl: `${slack.url}${responsePath}`,
          actionId: ROLLBACK_ACTION,
          value: encodeButtonValue(BAKE),
          blocks: bakeBlocks,
          ...overrides,
        }),
        { timestamp: BAKE_CLICK_TIME, ...options },
      ),
      lambdaContext(6000),
    );
    const answer = slack.requests.find((r) => r.path === responsePath)?.json as SlackMessage | undefined;
    return { response, answer, logs: logs.lines() };
  } finally {
    logs.restore();
  }
}

const decisionButtons = (message: SlackMessage) =>
  message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.flatMap((e) => ('action_id' in e && !('url' in e) ? [e.action_id] : []))
      : [],
  );

describe('slackActions: Roll back during the bake window', () => {
  it('stops the deployment with automatic rollback, once, and shows who did it and why', async () => {
    const { response, answer, logs } = await click({ reason: '5xx on /checkout' });

    expect(response.statusCode).toBe(200);
    expect(codeDeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(codeDeploy).toHaveReceivedCommandWith(StopDeploymentCommand, {
      deploymentId: 'd-7Q2WERT5X',
      autoRollbackEnabled: true,
    });
    expect(codeDeploy).not.toHaveReceivedCommand(ContinueDeploymentCommand);
    if (!answer) throw new Error('the message was not updated');
    assertSlackLimits(answer);
    expect(answer.replace_original).toBe(true);
    const text = visibleText(answer);
    expect(text).toContain('Rolling back: shop-api-prod in prod');
    expect(text).toContain('*Rolled back* by <@U0APPROVER> at 16:40 UTC: 5xx on /checkout');
    expect(text).toContain('original task set (shop-api-prod:42)');
    expect(decisionButtons(answer)).toEqual([]);
    expect(answer.blocks.some((b) => b.type === 'input')).toBe(false);
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: 'Rollback started from Slack',
        deploymentId: 'd-7Q2WERT5X',
        user: 'U0APPROVER',
        name: 'Li Wei',
        reason: '5xx on /checkout',
      }),
    );
  });

  it('acts as well when CodeDeploy calls the waiting deployment Baking', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves({ deploymentInfo: { ...baking.deploymentInfo, status: 'Baking' } });

    await click();

    expect(codeDeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
  });

  it('ends the bake early with Finish now: ContinueDeployment with TERMINATION_WAIT', async () => {
    const { answer } = await click({ actionId: FINISH_ACTION });

    expect(codeDeploy).toHaveReceivedCommandTimes(ContinueDeploymentCommand, 1);
    expect(codeDeploy).toHaveReceivedCommandWith(ContinueDeploymentCommand, {
      deploymentId: 'd-7Q2WERT5X',
      deploymentWaitType: 'TERMINATION_WAIT',
    });
    expect(codeDeploy).not.toHaveReceivedCommand(StopDeploymentCommand);
    expect(visibleText(answer as SlackMessage)).toContain('*Finished now* by <@U0APPROVER> at 16:40 UTC');
  });

  it('answers a second click that it was already rolled back, and by whom, without a second call', async () => {
    await click({ reason: '5xx on /checkout' });
    slack.requests.length = 0;

    const second = await click({ userId: 'U0APPROVER', actionId: FINISH_ACTION });

    expect(codeDeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(codeDeploy).not.toHaveReceivedCommand(ContinueDeploymentCommand);
    // Only the clicker is told; the message stays as everyone sees it.
    expect(second.answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(second.answer?.text).toContain('already rolled back from Slack by <@U0APPROVER> at 16:40 UTC');
  });

  it('lets another click try again when CodeDeploy failed the first', async () => {
    codeDeploy
      .on(StopDeploymentCommand)
      .rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    const first = await click();
    slack.requests.length = 0;
    const second = await click();

    expect(first.answer?.response_type).toBe('ephemeral');
    expect(first.answer?.text).toContain('could not reach CodeDeploy (ThrottlingException');
    expect(codeDeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 2);
    expect(visibleText(second.answer as SlackMessage)).toContain('*Rolled back*');
  });
});

describe('slackActions: bake-window clicks that change nothing', () => {
  const noChange = () => {
    expect(codeDeploy).not.toHaveReceivedCommand(StopDeploymentCommand);
    expect(codeDeploy).not.toHaveReceivedCommand(ContinueDeploymentCommand);
  };

  it('refuses someone the rule does not list, before asking CodeDeploy anything', async () => {
    const { answer, logs } = await click({ userId: 'U0STRANGER' });

    noChange();
    expect(codeDeploy.calls()).toHaveLength(0);
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer?.text).toBe(
      'You are not allowed to roll back or finish deployments in prod. Nothing was changed.',
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Refused a bake-window click', outcome: 'not-allowed' }),
    );
  });

  it('offers nothing to anyone where no rule covers the environment', async () => {
    stageRouting.rollbacks = {
      rules: [{ environment: 'stage', allowed: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }] }],
    };
    resetForTests();

    const { answer } = await click();

    expect(codeDeploy.calls()).toHaveLength(0);
    expect(answer?.text).toContain('No rollback rule of Herald covers herald-stage-app-prod');
  });

  it.each([
    ['a stale request (signed 301 s ago)', { timestamp: BAKE_CLICK_TIME - 301 }],
    ['a replayed request with a signature of another body', { signature: 'v0=00ff' }],
  ])('refuses %s with 401', async (_name, options) => {
    const { response, answer } = await click({}, options);

    expect(response.statusCode).toBe(401);
    expect(answer).toBeUndefined();
    expect(codeDeploy.calls()).toHaveLength(0);
  });

  it.each([
    ['a value that is not JSON', 'd-7Q2WERT5X'],
    ['a deployment id of another shape', encodeButtonValue({ ...BAKE, deployment: 'd-7Q2WERT5X"; drop' })],
    ['a value of a future version', JSON.stringify({ ...BAKE, v: 3 })],
  ])('answers 400 to %s and asks CodeDeploy nothing', async (_name, value) => {
    const { response, logs } = await click({ value });

    expect(response.statusCode).toBe(400);
    expect(codeDeploy.calls()).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Rollback button with an invalid value' }),
    );
  });

  it('says the window is over for a click after it, without asking CodeDeploy', async () => {
    const { answer } = await click({
      value: encodeButtonValue({ ...BAKE, until: '2026-11-20T16:39:00.000Z' }),
    });

    expect(codeDeploy.calls()).toHaveLength(0);
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer?.text).toContain('The bake window ended at 16:39 UTC');
  });

  it.each([
    ['succeeded', 'Succeeded'],
    ['already stopped', 'Stopped'],
    ['failed', 'Failed'],
  ] as Array<[string, DeploymentStatus]>)(
    'says a deployment that has %s has moved on',
    async (_name, status) => {
      codeDeploy.on(GetDeploymentCommand).resolves({ deploymentInfo: { ...baking.deploymentInfo, status } });
      codeDeploy.on(GetDeploymentGroupCommand).resolves({
        deploymentGroupInfo: { lastAttemptedDeployment: { deploymentId: BAKE.deployment, status } },
      });

      const { answer } = await click();

      noChange();
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(answer?.text).toContain(
        `d-7Q2WERT5X is no longer in its bake window (CodeDeploy says ${status})`,
      );
      expect(answer?.text).not.toContain('is in progress now');
    },
  );

  it('names the deployment now in progress when another has taken over the group', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .resolves({ deploymentInfo: { ...baking.deploymentInfo, status: 'Succeeded' } });
    codeDeploy.on(GetDeploymentGroupCommand).resolves({
      deploymentGroupInfo: { lastAttemptedDeployment: { deploymentId: 'd-NEXT12345', status: 'InProgress' } },
    });

    const { answer } = await click();

    noChange();
    expect(answer?.text).toContain('d-NEXT12345 is in progress now: use its message');
  });

  it('does not act on a deployment still shifting traffic (no termination wait yet)', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { ...baking.deploymentInfo, instanceTerminationWaitTimeStarted: false },
    });

    const { answer } = await click();

    noChange();
    expect(answer?.text).toBe(
      'd-7Q2WERT5X is not waiting in its bake window (CodeDeploy says InProgress). Nothing was changed.',
    );
  });

  it('does not act when CodeDeploy says the deployment is of another group than the button', async () => {
    codeDeploy.on(GetDeploymentCommand).resolves({
      deploymentInfo: { ...baking.deploymentInfo, deploymentGroupName: 'herald-stage-app-stage' },
    });

    const { answer } = await click();

    noChange();
    expect(answer?.text).toContain('does not match the deployment CodeDeploy knows');
  });

  it('says so when CodeDeploy no longer knows the deployment', async () => {
    codeDeploy
      .on(GetDeploymentCommand)
      .rejects(Object.assign(new Error('no such deployment'), { name: 'DeploymentDoesNotExistException' }));

    const { answer } = await click();

    noChange();
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(answer?.text).toContain('CodeDeploy no longer knows d-7Q2WERT5X');
  });
});

describe('slackActions: rollbacks by Slack user group (app mode)', () => {
  useAppMode(() => slack);
  beforeEach(() => {
    stageRouting.rollbacks = {
      rules: [{ environment: 'prod', allowed: [], allowedGroups: [{ slackGroupId: 'S0SRE', name: 'sre' }] }],
    };
    resetForTests();
  });

  it('lets a member of a listed group roll back', async () => {
    slack.script(groupMembers(['U0ONCALL']));

    await click({ userId: 'U0ONCALL', userName: 'on.call' });

    expect(codeDeploy).toHaveReceivedCommandTimes(StopDeploymentCommand, 1);
    expect(slack.requests.find((r) => r.path === '/api/usergroups.users.list')?.json).toMatchObject({
      usergroup: 'S0SRE',
    });
  });

  it('refuses someone outside the group without asking CodeDeploy', async () => {
    slack.script(groupMembers(['U0SOMEONE']));

    const { answer } = await click({ userId: 'U0ONCALL' });

    expect(codeDeploy.calls()).toHaveLength(0);
    expect(answer?.text).toContain('You are not allowed to roll back or finish deployments in prod');
  });
});
