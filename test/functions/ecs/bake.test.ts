import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/ecs/handler';
import { decodeBakeValue } from '../../../shared/decisions/button-value';
import { ROLLBACK_ACTION } from '../../../shared/decisions/rollbacks';
import { resetForTests } from '../../../shared/lambda/container';
import { routingFile } from '../../../shared/routing/files';
import type { SlackMessage } from '../../../shared/slack/message';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, visibleText } from '../../helpers/slack-limits';

const ecs = mockClient(ECSClient);
const rig = useHandlerRig(handler, { stateTable: true });
const stageRouting = routingFile('stage') as { rollbacks?: unknown };
const SAMPLE = 'ecs/task-crashed-in-bake';

/** The sample's state: the bake window codedeploy kept after the 16:16:40 traffic shift. */
async function seedWindow() {
  const items = JSON.parse(
    readFileSync(join(__dirname, '..', '..', '..', 'events', `${SAMPLE}.state.json`), 'utf8'),
  ) as Array<Record<string, AttributeValue>>;
  for (const Item of items)
    await rig.state().client.send(new PutItemCommand({ TableName: process.env.HERALD_STATE_TABLE, Item }));
}

/** The sample's crash, with its task definition and its stop time changed. */
function crash(changes: { taskDefinitionArn?: string; stoppedAt?: string } = {}) {
  const event = sampleEvent(`${SAMPLE}.json`) as { time: string; detail: Record<string, unknown> };
  Object.assign(event.detail, changes);
  if (changes.stoppedAt) event.time = changes.stoppedAt;
  return event;
}

function rollbackButtons(message: SlackMessage) {
  return message.blocks.flatMap((block) =>
    block.type === 'actions'
      ? block.elements.filter((e) => 'action_id' in e && e.action_id === ROLLBACK_ACTION)
      : [],
  ) as Array<{ value: string }>;
}

beforeEach(async () => {
  ecs.reset();
  ecs
    .on(DescribeTaskDefinitionCommand)
    .resolves(recorded(`${SAMPLE}.aws.json`, 'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition'));
  stageRouting.rollbacks = {
    rules: [{ environment: 'prod', allowed: [{ slackUserId: 'U0APPROVER', name: 'Li Wei' }] }],
  };
  resetForTests();
  await seedWindow();
});

afterEach(() => {
  delete stageRouting.rollbacks;
});

describe('ecs: alerts of the new revision during its bake window', () => {
  it('marks a crash of the new revision and offers Roll back of the deployment that shipped it', async () => {
    const { messages } = await rig.run(crash());

    expect(messages).toHaveLength(1);
    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(text).toContain(
      '*New revision*\ndeployed 16:16 UTC by d-7Q2WERT5X; the original (shop-api-prod:42) is kept until 19:16 UTC',
    );
    const buttons = rollbackButtons(message);
    expect(buttons).toHaveLength(1);
    expect(decodeBakeValue(buttons[0]?.value ?? '')).toMatchObject({
      deployment: 'd-7Q2WERT5X',
      application: 'herald-stage-app',
      group: 'herald-stage-app-prod',
      revision: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:43',
      until: '2026-11-20T19:16:40.000Z',
    });
    // An alert offers Roll back only: ending the bake early is the deployment message's business.
    expect(text).not.toContain('Finish now');
  });

  it('names the pipeline run that deployed the revision where releases are followed (its link item)', async () => {
    await rig.state().client.send(
      new PutItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Item: {
          key: { S: 'link#d-7Q2WERT5X' },
          pipeline: { S: 'herald-stage-pipeline' },
          executionId: { S: '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f' },
          stage: { S: 'Deploy-prod' },
        },
      }),
    );

    const { messages } = await rig.run(crash());

    expect(visibleText(messages[0] as SlackMessage)).toContain(
      '*New revision*\ndeployed 16:16 UTC by pipeline run 3b1c7d9e (d-7Q2WERT5X); the original (shop-api-prod:42) is kept until 19:16 UTC',
    );
  });

  it('neither marks nor offers anything for a task of another revision', async () => {
    const { messages } = await rig.run(
      crash({ taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:42' }),
    );

    expect(messages).toHaveLength(1);
    expect(rollbackButtons(messages[0] as SlackMessage)).toEqual([]);
    expect(visibleText(messages[0] as SlackMessage)).not.toContain('New revision');
  });

  it('neither marks nor offers anything once the window is over', async () => {
    const { messages } = await rig.run(crash({ stoppedAt: '2026-11-20T19:20:00.000Z' }));

    expect(messages).toHaveLength(1);
    expect(rollbackButtons(messages[0] as SlackMessage)).toEqual([]);
    expect(visibleText(messages[0] as SlackMessage)).not.toContain('New revision');
  });

  it('marks the alert but offers no button where no rule lists anyone', async () => {
    delete stageRouting.rollbacks;
    resetForTests();

    const { messages } = await rig.run(crash());

    expect(rollbackButtons(messages[0] as SlackMessage)).toEqual([]);
    expect(visibleText(messages[0] as SlackMessage)).toContain('*New revision*');
  });
});
