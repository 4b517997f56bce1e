import { CodePipelineClient, PutApprovalResultCommand } from '@aws-sdk/client-codepipeline';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { createSlackActionsHandler } from '../../../functions/slack-actions/handler';
import { REJECT_ACTION } from '../../../shared/decisions/approvals';
import { encodeButtonValue } from '../../../shared/decisions/button-value';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import {
  APPROVAL,
  CLICK_TIME,
  type Click,
  clickPayload,
  signedRequest,
  TEST_SIGNING_SECRET,
} from '../../../testkit/slack-interaction';
import { type SlackServer, startSlackServer } from '../../../testkit/slack-receiver';
import { captureLogs, lambdaContext } from '../../helpers/lambda';
import { groupMembers, useAppMode } from '../../helpers/slack-groups';
import { assertSlackLimits } from '../../helpers/slack-limits';

const codePipeline = mockClient(CodePipelineClient);
const ssm = mockClient(SSMClient);
const handle = createSlackActionsHandler({ nowSeconds: () => CLICK_TIME });

const RULES = [
  {
    stages: ['Approval*'],
    environment: 'prod',
    noSelfApproval: true,
    approvers: [
      { slackUserId: 'U0APPROVER', name: 'Li Wei', identities: ['li.wei@example.com'] },
      { slackUserId: 'U0JANEDOE', name: 'Jane Doe', identities: ['jane.doe@example.com'] },
    ],
  },
];

let slack: SlackServer;
const stageRouting = routingFile('stage') as { approvals: { rules: unknown[] } };
const shippedRules = stageRouting.approvals.rules;

beforeAll(async () => {
  slack = await startSlackServer();
});

afterAll(async () => {
  await slack.close();
});

beforeEach(() => {
  codePipeline.reset();
  ssm.reset();
  slack.requests.length = 0;
  stageRouting.approvals.rules = RULES;
  process.env.SLACK_SIGNING_SECRET = TEST_SIGNING_SECRET;
  resetForTests();
  codePipeline.on(PutApprovalResultCommand).resolves({ approvedAt: new Date(CLICK_TIME * 1000) });
});

afterEach(() => {
  stageRouting.approvals.rules = shippedRules;
  delete process.env.SLACK_SIGNING_SECRET;
});

const responseUrl = () => `${slack.url}/actions/T0LOCAL/1795190100/localresponsetoken`;

async function click(overrides: Partial<Click> = {}, options: Parameters<typeof signedRequest>[1] = {}) {
  const logs = captureLogs();
  try {
    const response = await handle(
      signedRequest(clickPayload({ responseUrl: responseUrl(), ...overrides }), options),
      lambdaContext(6000),
    );
    return { response, logs: logs.lines(), raw: logs.raw() };
  } finally {
    logs.restore();
  }
}

describe('slackActions: the signature', () => {
  it('accepts a base64-encoded HTTP API body and a plain REST body alike', async () => {
    const v2 = await click({}, { form: 'v2-base64' });
    const v1 = await click({}, { form: 'v1-text' });

    expect(v2.response.statusCode).toBe(200);
    expect(v1.response.statusCode).toBe(200);
    expect(codePipeline).toHaveReceivedCommandTimes(PutApprovalResultCommand, 2);
  });

  it('verifies a comment with non-ASCII characters in both body forms', async () => {
    const v2 = await click({ comment: 'Geprüft ✅ — läuft' }, { form: 'v2-base64' });
    const v1 = await click({ comment: 'Geprüft ✅ — läuft' }, { form: 'v1-text' });

    expect([v2.response.statusCode, v1.response.statusCode]).toEqual([200, 200]);
    expect(codePipeline).toHaveReceivedCommandWith(PutApprovalResultCommand, {
      result: { status: 'Approved', summary: 'Approved in Slack by Li Wei (U0APPROVER): Geprüft ✅ — läuft' },
    });
  });

  it.each([
    ['a timestamp 301 s old', { timestamp: CLICK_TIME - 301 }],
    ['a timestamp 301 s in the future', { timestamp: CLICK_TIME + 301 }],
    ['another secret', { secret: 'someone-elses-secret-value' }],
    ['a v1= signature', { signature: 'v1=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503' }],
    ['no signature header', { signature: null }],
    ['a non-numeric timestamp', { timestamp: 'soon' }],
  ])('answers 401 to %s and decides nothing', async (_name, options) => {
    const { response, logs } = await click({}, options);

    expect(response.statusCode).toBe(401);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.requests).toHaveLength(0);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'Refused a request that is not signed by Slack' }),
    );
  });

  it('answers 401 to a valid signature of another body', async () => {
    const genuine = signedRequest(clickPayload({ responseUrl: responseUrl(), actionId: REJECT_ACTION }));
    const forged = signedRequest(clickPayload({ responseUrl: responseUrl() }));
    forged.headers = { ...forged.headers, 'x-slack-signature': genuine.headers?.['x-slack-signature'] };

    const response = await handle(forged, lambdaContext(6000));

    expect(response.statusCode).toBe(401);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
  });

  it('fails closed, deciding nothing, when the signing secret cannot be read', async () => {
    delete process.env.SLACK_SIGNING_SECRET;
    resetForTests();
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const { response, logs } = await click();

    expect(response.statusCode).toBe(500);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/herald/stage/slack/signing-secret',
      WithDecryption: true,
    });
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'ERROR',
        message: 'Cannot read the Slack signing secret; refusing every request',
      }),
    );
  });

  it('refuses anything but POST', async () => {
    const request = signedRequest(clickPayload({ responseUrl: responseUrl() }));
    request.requestContext = { http: { method: 'GET' } };

    expect((await handle(request, lambdaContext())).statusCode).toBe(405);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
  });
});

describe('slackActions: who decides', () => {
  it('records an allowed approver once, with the approval coordinates and a summary naming them', async () => {
    const { response } = await click({ comment: 'Checked VAT on stage' });

    expect(response.statusCode).toBe(200);
    expect(codePipeline).toHaveReceivedCommandTimes(PutApprovalResultCommand, 1);
    expect(codePipeline).toHaveReceivedCommandWith(PutApprovalResultCommand, {
      pipelineName: 'herald-stage-pipeline',
      stageName: 'Approval',
      actionName: 'Approve-prod',
      token: APPROVAL.token,
      result: {
        status: 'Approved',
        summary: 'Approved in Slack by Li Wei (U0APPROVER): Checked VAT on stage',
      },
    });
  });

  it('replaces the header and the buttons with the outcome through response_url', async () => {
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Approval needed' } },
      {
        type: 'input',
        block_id: 'herald-comment',
        label: { type: 'plain_text', text: 'Comment' },
        element: { type: 'plain_text_input', action_id: 'herald-comment-input' },
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            action_id: 'herald-approve',
            text: { type: 'plain_text', text: 'Approve' },
            value: 'x',
          },
          {
            type: 'button',
            action_id: 'link-0',
            text: { type: 'plain_text', text: 'Review' },
            url: 'https://stage.shop.example.com',
          },
        ],
      },
    ];

    await click({ comment: 'Looks <good> & fine', blocks });

    const [update] = slack.messages();
    assertSlackLimits(update);
    expect(update?.replace_original).toBe(true);
    expect(update?.text).toBe('Approved by Li Wei');
    expect(update?.blocks).toEqual([
      {
        type: 'header',
        text: {
          type: 'plain_text',
          text: ':white_check_mark: Approved: herald-stage-pipeline → prod',
          emoji: true,
        },
      },
      { type: 'actions', elements: [blocks[2] && (blocks[2] as { elements: unknown[] }).elements[1]] },
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: ':white_check_mark: *Approved* by <@U0APPROVER> at 15:55 UTC — Looks &lt;good&gt; &amp; fine',
        },
      },
    ]);
  });

  it('records a rejection as Rejected', async () => {
    await click({ actionId: REJECT_ACTION });

    expect(codePipeline).toHaveReceivedCommandWith(PutApprovalResultCommand, {
      result: { status: 'Rejected', summary: 'Rejected in Slack by Li Wei (U0APPROVER)' },
    });
    expect(slack.messages()[0]?.text).toBe('Rejected by Li Wei');
  });

  it('tells an unknown user id carrying an approver name, only them, that they are no approver', async () => {
    const { response } = await click({ userId: 'U0STRANGER', userName: 'Li Wei' });

    expect(response.statusCode).toBe(200);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.messages()).toEqual([
      {
        text: 'You are not an approver for prod. Nothing was changed.',
        blocks: [],
        response_type: 'ephemeral',
        replace_original: false,
      },
    ]);
  });

  it('blocks the author of the change from approving it when no-self-approval is on', async () => {
    await click({ userId: 'U0JANEDOE' });

    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.messages()[0]?.text).toBe(
      'You made this change, so someone else has to approve it for prod. Nothing was changed.',
    );
  });

  it('lets the author approve where no-self-approval is off', async () => {
    stageRouting.approvals.rules = [{ ...RULES[0], noSelfApproval: false }];
    resetForTests();

    await click({ userId: 'U0JANEDOE' });

    expect(codePipeline).toHaveReceivedCommandTimes(PutApprovalResultCommand, 1);
  });

  it('lets nobody decide an approval that no rule covers', async () => {
    stageRouting.approvals.rules = [];
    resetForTests();

    await click();

    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.messages()[0]?.response_type).toBe('ephemeral');
  });

  it('rejects a tampered button value without calling CodePipeline', async () => {
    const { response } = await click({
      value: '{"v":1,"p":"x","s":"y","a":"z","t":"bad token with spaces","e":"","au":[]}',
    });

    expect(response.statusCode).toBe(400);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
  });

  it('never logs the approval token', async () => {
    const { raw } = await click();

    expect(raw).toContain('Approval decided from Slack');
    expect(raw).not.toContain(APPROVAL.token);
  });
});

describe('slackActions: what CodePipeline answers', () => {
  it.each([
    ['ApprovalAlreadyCompletedException', 'This approval was already decided'],
    ['InvalidApprovalTokenException', 'has expired or was replaced by a newer run'],
    ['ActionNotFoundException', 'The approval action no longer exists'],
    ['StageNotFoundException', 'The stage no longer exists'],
    ['PipelineNotFoundException', 'The pipeline no longer exists'],
    ['ValidationException', 'CodePipeline refused the decision: summary too long'],
  ])(
    'turns %s into a clear answer to the clicker only, answers 200 and logs no error',
    async (name, text) => {
      codePipeline
        .on(PutApprovalResultCommand)
        .rejects(Object.assign(new Error('summary too long'), { name }));

      const { response, logs } = await click();

      expect(response.statusCode).toBe(200);
      const [answer] = slack.messages();
      assertSlackLimits(answer);
      // A refusal never rewrites the request for everyone.
      expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(answer?.text).toContain(text);
      expect(logs.filter((line) => line.level === 'ERROR')).toEqual([]);
    },
  );

  it('answers a click on an expired request so, without calling CodePipeline', async () => {
    const expired = encodeButtonValue({
      ...APPROVAL,
      expires: new Date((CLICK_TIME - 60) * 1000).toISOString(),
    });

    const { response, logs } = await click({ value: expired });

    expect(response.statusCode).toBe(200);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.messages()[0]?.text).toBe(
      'This approval request has expired or was replaced by a newer run. Nothing was changed.',
    );
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Refused a click on an expired approval request' }),
    );
  });

  it('answers a second click after the approval with "already decided", without error', async () => {
    await click();
    codePipeline
      .on(PutApprovalResultCommand)
      .rejects(Object.assign(new Error('done'), { name: 'ApprovalAlreadyCompletedException' }));
    slack.requests.length = 0;

    const { response, logs } = await click();

    expect(response.statusCode).toBe(200);
    expect(slack.messages()[0]).toMatchObject({
      text: 'This approval was already decided (in Slack or in the console). Nothing was changed.',
      response_type: 'ephemeral',
    });
    expect(logs.filter((line) => line.level === 'ERROR')).toEqual([]);
  });

  it('logs a real fault as an error and keeps the buttons, telling the approver to retry', async () => {
    codePipeline
      .on(PutApprovalResultCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    const { response, logs } = await click();

    expect(response.statusCode).toBe(200);
    expect(slack.messages()[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'PutApprovalResult failed' }),
    );
  });
});

describe('slackActions: approvers by Slack user group (app mode)', () => {
  useAppMode(() => slack);
  const GROUP_RULES = [
    {
      stages: ['Approval*'],
      environment: 'prod',
      approvers: [],
      approverGroups: [{ slackGroupId: 'S0RELEASE', name: 'Release managers' }],
    },
  ];

  beforeEach(() => {
    stageRouting.approvals.rules = GROUP_RULES;
    resetForTests();
  });

  it('lets a member of a listed group decide, asking Slack once a minute who is in it', async () => {
    slack.script(groupMembers(['U0GROUPIE']));

    await click({ userId: 'U0GROUPIE', userName: 'grace.hopper' });
    await click({ userId: 'U0GROUPIE', userName: 'grace.hopper' });

    expect(codePipeline).toHaveReceivedCommandTimes(PutApprovalResultCommand, 2);
    expect(slack.requests.filter((r) => r.path === '/api/usergroups.users.list')).toHaveLength(1);
    expect(slack.requests[0]?.json).toMatchObject({ usergroup: 'S0RELEASE' });
  });

  it('refuses someone who is not in the group, without calling CodePipeline', async () => {
    slack.script(groupMembers(['U0SOMEONE']));

    const { response } = await click({ userId: 'U0GROUPIE' });

    expect(response.statusCode).toBe(200);
    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(slack.messages().at(-1)?.text).toBe('You are not an approver for prod. Nothing was changed.');
  });

  it('fails closed when Slack cannot say who is in the group', async () => {
    slack.script({ status: 200, body: JSON.stringify({ ok: false, error: 'missing_scope' }) });

    const { logs } = await click({ userId: 'U0GROUPIE' });

    expect(codePipeline).not.toHaveReceivedCommand(PutApprovalResultCommand);
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: 'Could not read a user group; its members cannot decide now',
        slackError: 'missing_scope',
      }),
    );
  });
});
