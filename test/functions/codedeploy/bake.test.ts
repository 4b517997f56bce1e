import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/codedeploy/handler';
import { handler as ecsHandler } from '../../../functions/ecs/handler';
import { decodeBakeValue } from '../../../shared/decisions/button-value';
import { FINISH_ACTION, ROLLBACK_ACTION } from '../../../shared/decisions/rollbacks';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import type { SlackMessage } from '../../../shared/slack/message';
import { answerCodeDeployFrom } from '../../helpers/codedeploy-answers';
import { useHandlerRig } from '../../helpers/handler-rig';
import { captureLogs, lambdaContext, sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, visibleText } from '../../helpers/slack-limits';

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const rig = useHandlerRig(handler, { stateTable: true });
const stageRouting = routingFile('stage') as { rollbacks?: unknown; mute?: string[] };

/** Answers every read from the sample's recorded AWS answers. */
const answerFrom = (sample: string) => answerCodeDeployFrom(sample, codeDeploy, ecs);

function choices(message: SlackMessage) {
  return message.blocks.flatMap((block) =>
    block.type === 'actions' ? block.elements.filter((e) => 'action_id' in e && !('url' in e)) : [],
  ) as Array<{ action_id: string; value: string; confirm?: { text: { text: string } } }>;
}

beforeEach(() => {
  codeDeploy.reset();
  ecs.reset();
  stageRouting.rollbacks = {
    rules: [{ environment: 'prod', allowed: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }] }],
  };
  resetForTests();
});

afterEach(() => {
  delete stageRouting.rollbacks;
});

describe('codedeploy: the bake window after a prod traffic shift', () => {
  it('offers Roll back and Finish now, naming the service and both revisions, to a listed person', async () => {
    answerFrom('ready');

    const { messages } = await rig.run(sampleEvent('codedeploy/ready.json'));

    expect(messages).toHaveLength(1);
    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(text).toContain('*Original task set*\nshop-api-prod:42, kept until 2026-11-20 19:16 UTC');
    expect(text).toContain('*Roll back from Slack*\nLi Wei, until 19:16 UTC');
    const [rollback, finish] = choices(message);
    expect([rollback?.action_id, finish?.action_id]).toEqual([ROLLBACK_ACTION, FINISH_ACTION]);
    // The value names exactly this deployment and its window; nothing else.
    expect(decodeBakeValue(rollback?.value ?? '')).toEqual({
      v: 2,
      kind: 'bake',
      deployment: 'd-7Q2WERT5X',
      application: 'herald-stage-app',
      group: 'herald-stage-app-prod',
      service: 'shop-cluster/shop-api-prod',
      revision: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:43',
      original: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:42',
      until: '2026-11-20T19:16:40.000Z',
    });
    expect(finish?.value).toBe(rollback?.value);
    expect(rollback?.confirm?.text.text).toBe(
      'Traffic in prod goes back to the original task set (shop-api-prod:42) at once and d-7Q2WERT5X stops; shop-api-prod:43 is taken out. Your name and reason are recorded.',
    );
    expect(finish?.confirm?.text.text).toContain(
      'the original task set (shop-api-prod:42) is terminated now instead of at 19:16 UTC',
    );
    expect(message.blocks).toContainEqual(
      expect.objectContaining({ type: 'input', block_id: 'herald-reason' }),
    );
  });

  it('keeps the window in the state table for the ecs function: service, new revision, until when', async () => {
    answerFrom('ready');

    await rig.run(sampleEvent('codedeploy/ready.json'));

    const { Item } = await rig.state().client.send(
      new GetItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Key: { key: { S: 'bake#shop-cluster/shop-api-prod' } },
      }),
    );
    expect(JSON.parse(Item?.window?.S ?? '{}')).toEqual({
      cluster: 'shop-cluster',
      service: 'shop-api-prod',
      deploymentId: 'd-7Q2WERT5X',
      application: 'herald-stage-app',
      deploymentGroup: 'herald-stage-app-prod',
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:43',
      original: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:42',
      shiftedAt: '2026-11-20T16:16:40.000Z',
      until: '2026-11-20T19:16:40.000Z',
    });
  });

  it('offers no button where no rule lists anyone for the environment', async () => {
    stageRouting.rollbacks = { rules: [{ environment: 'prod', allowed: [] }] };
    resetForTests();
    answerFrom('ready');

    const { messages } = await rig.run(sampleEvent('codedeploy/ready.json'));

    expect(messages).toHaveLength(1);
    expect(choices(messages[0] as SlackMessage)).toEqual([]);
    expect(visibleText(messages[0] as SlackMessage)).not.toContain('Roll back from Slack');
  });

  it('says in the rollback that follows that it was started from Slack, by whom and why', async () => {
    answerFrom('sns-rollback-in-progress');
    await rig.state().client.send(
      new PutItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Item: {
          key: { S: 'decision#d-9XHY2BC7D' },
          status: { S: 'done' },
          decision: {
            S: JSON.stringify({
              action: 'rollback',
              userId: 'U0APPROVER',
              name: 'Li Wei',
              reason: '5xx on /checkout',
              at: '2026-11-21T09:21:30.000Z',
            }),
          },
        },
      }),
    );

    const { messages } = await rig.run(sampleEvent('codedeploy/sns-rollback-in-progress.json'));

    expect(messages).toHaveLength(1);
    const text = visibleText(messages[0] as SlackMessage);
    expect(text).toContain('Rolled back from Slack by Li Wei at 09:21 UTC: 5xx on /checkout.');
    expect(text).toContain('*From Slack*\nrolled back from Slack by Li Wei at 09:21 UTC: 5xx on /checkout');
  });

  it('says nothing about Slack in a rollback nobody started there', async () => {
    answerFrom('sns-rollback-in-progress');

    const { messages } = await rig.run(sampleEvent('codedeploy/sns-rollback-in-progress.json'));

    expect(visibleText(messages[0] as SlackMessage)).not.toContain('Slack');
  });
});

describe('codedeploy: the bake window is kept whatever routing and muting say', () => {
  const readWindow = async () => {
    const { Item } = await rig.state().client.send(
      new GetItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Key: { key: { S: 'bake#shop-cluster/shop-api-prod' } },
      }),
    );
    return JSON.parse(Item?.window?.S ?? '{}') as { deploymentId?: string; shiftedAt?: string };
  };

  it('never lets a late duplicate "ready" of an older deployment replace the newer window', async () => {
    answerFrom('ready');
    // A newer deployment shifted prod's traffic at 18:00 (its window is recorded).
    const newer = JSON.parse(JSON.stringify(sampleEvent('codedeploy/ready.json'))) as {
      time: string;
      detail: { deploymentId: string };
    };
    newer.time = '2026-11-20T18:00:00Z';
    await rig.run(newer);
    await rig.state().client.send(
      new PutItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Item: {
          key: { S: 'bake#shop-cluster/shop-api-prod' },
          window: { S: JSON.stringify({ ...(await readWindow()), deploymentId: 'd-NEWER0001' }) },
          shiftedMs: { N: String(Date.parse('2026-11-20T18:00:00Z')) },
        },
      }),
    );

    // The older deployment's "ready" (16:16:40) arrives again, late.
    await rig.run(sampleEvent('codedeploy/ready.json'));

    expect(await readWindow()).toMatchObject({
      deploymentId: 'd-NEWER0001',
      shiftedAt: '2026-11-20T18:00:00.000Z',
    });
  });

  it('keeps the window of a muted traffic shift, so the crash of the new revision still offers Roll back', async () => {
    stageRouting.mute = [...(stageRouting.mute ?? []), 'codedeploy:deployment.ready'];
    resetForTests();
    answerFrom('ready');
    try {
      const muted = await rig.run(sampleEvent('codedeploy/ready.json'));
      expect(muted.messages).toEqual([]);
      expect(await readWindow()).toMatchObject({ deploymentId: 'd-7Q2WERT5X' });

      ecs.reset();
      ecs
        .on(DescribeTaskDefinitionCommand)
        .resolves(
          recorded(
            'ecs/task-crashed-in-bake.aws.json',
            'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition',
          ),
        );
      const before = rig.slack().messages().length;
      const logs = captureLogs();
      try {
        await ecsHandler(sampleEvent('ecs/task-crashed-in-bake.json'), lambdaContext());
      } finally {
        logs.restore();
      }
      const [alert] = rig.slack().messages().slice(before);

      expect(visibleText(alert as SlackMessage)).toContain('*New revision*');
      expect(choices(alert as SlackMessage).map((choice) => choice.action_id)).toEqual([ROLLBACK_ACTION]);
    } finally {
      stageRouting.mute = stageRouting.mute?.filter((kind) => kind !== 'codedeploy:deployment.ready');
    }
  });
});
