import { DeleteItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/ecs/handler';
import { resetForTests } from '../../../shared/lambda/container';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const ecs = mockClient(ECSClient);
// The flood gate's items live in a real DynamoDB API (dynalite), a new table per test.
const rig = useHandlerRig(handler, { stateTable: true });

beforeEach(() => {
  ecs.reset();
  ecs
    .on(DescribeTaskDefinitionCommand)
    .resolves(
      recorded('ecs/task-crashed.aws.json', 'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition'),
    );
});

async function items() {
  const { Items = [] } = await rig
    .state()
    .client.send(new ScanCommand({ TableName: process.env.HERALD_STATE_TABLE }));
  return Items;
}

/** What the clock would do: every open window of the flood gate ends now. */
async function closeWindows() {
  for (const item of await items()) {
    await rig.state().client.send(
      new UpdateItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Key: { key: { S: item.key?.S ?? '' } },
        // A window with folded alerts is in the ByTime index at its end: both move.
        UpdateExpression: item.series ? 'SET windowEnd = :past, #at = :past' : 'SET windowEnd = :past',
        ...(item.series ? { ExpressionAttributeNames: { '#at': 'at' } } : {}),
        ExpressionAttributeValues: { ':past': { N: String(Date.now() - 1) } },
      }),
    );
  }
}

async function forgetWindows() {
  for (const item of await items()) {
    await rig.state().client.send(
      new DeleteItemCommand({
        TableName: process.env.HERALD_STATE_TABLE,
        Key: { key: { S: item.key?.S ?? '' } },
      }),
    );
  }
}

const header = (message: { blocks: Array<{ type: string }> } | undefined) =>
  message?.blocks[0] && 'text' in message.blocks[0]
    ? (message.blocks[0] as { text: { text: string } }).text.text
    : undefined;

describe('ecs handler: what alerts and what does not', () => {
  it.each([
    ['task-crashed', ':x: Task crashed: shop-api-prod'],
    ['task-health-check-failed', ':x: Task failed its health checks: shop-api-prod'],
    ['task-out-of-memory', ':x: Task ran out of memory: shop-api-prod'],
    ['service-placement-failure', ':warning: Tasks cannot be placed: shop-api-prod'],
    ['service-task-start-impaired', ':warning: Tasks keep failing to start: shop-api-prod'],
    ['deployment-failed', ':x: ECS deployment failed: shop-api-prod'],
  ])('alerts on %s', async (sample, title) => {
    const { messages } = await rig.run(sampleEvent(`ecs/${sample}.json`));

    expect(messages).toHaveLength(1);
    assertSlackLimits(messages[0]);
    expect(header(messages[0])).toBe(title);
  });

  it.each([
    [
      'task-stopped-by-deployment',
      'expected churn: Scaling activity initiated by (deployment ecs-svc/4478293746271923419)',
    ],
    ['task-spot-interruption', 'Spot interruption (spotInterruptions is off)'],
    // Spot's two-minute warning has a kind of its own, muted by default (never the fallback).
    ['task-spot-termination-notice', 'muted by "ecs:task.spot-termination-notice"'],
    ['deployment-completed', 'deployment completed'],
    ['container-instance', 'ECS Container Instance State Change is never an alert'],
  ])('stays silent on %s, saying why, without any AWS read', async (sample, reason) => {
    const { messages, logs } = await rig.run(sampleEvent(`ecs/${sample}.json`));

    expect(messages).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'Notice not sent', reason }));
    expect(ecs).not.toHaveReceivedCommand(DescribeTaskDefinitionCommand);
    expect(await items()).toEqual([]);
  });
});

describe('ecs handler: what an alert says', () => {
  it('gives the exit codes and reasons of the containers, the task definition and the links', async () => {
    const { messages } = await rig.run(sampleEvent('ecs/task-out-of-memory.json'));

    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(text).toContain('*Task definition*\nshop-api-prod:44');
    expect(text).toContain('• `web` exit 137 — OutOfMemoryError: Container killed due to memory usage');
    expect(text).toContain('*Stop code*\n`EssentialContainerExited`');
    expect(text).toContain('*Environment*\nprod');
    expect(buttonUrls(message)).toEqual([
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Fecs$252Fshop-api-prod/log-events/ecs$252Fweb$252Fd6f4a3b5e7c86fab2c4d5e6f70819203',
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/shop-cluster/tasks/d6f4a3b5e7c86fab2c4d5e6f70819203/configuration?region=eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/shop-cluster/services/shop-api-prod/health?region=eu-west-1',
    ]);
  });

  it('reads each task definition once per container lifetime', async () => {
    const first = await rig.run(sampleEvent('ecs/task-crashed.json'));
    await forgetWindows();
    const second = await rig.run(sampleEvent('ecs/task-out-of-memory.json'));

    expect([first.messages.length, second.messages.length]).toEqual([1, 1]);

    expect(ecs).toHaveReceivedCommandTimes(DescribeTaskDefinitionCommand, 1);
  });

  it('links the task page when the task definition cannot be read', async () => {
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const { messages } = await rig.run(sampleEvent('ecs/task-crashed.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(buttonUrls(message)[0]).toContain('/ecs/v2/clusters/shop-cluster/tasks/');
    expect(visibleText(message)).toContain('Not available: task definition (AccessDeniedException)');
  });

  it('alerts on a Spot interruption where the routing config asks for it', async () => {
    const { routingFile } = await import('../../../shared/routing/files');
    const stage = routingFile('stage') as Record<string, unknown>;
    stage.ecs = { services: [{ service: 'shop-api-stage', spotInterruptions: true }] };
    resetForTests();
    try {
      const { messages } = await rig.run(sampleEvent('ecs/task-spot-interruption.json'));

      expect(header(messages[0])).toBe(':warning: Spot task interrupted: shop-api-stage');
    } finally {
      delete stage.ecs;
    }
  });
});

describe('ecs handler: crash loops', () => {
  it('posts one message for 100 stops of one service in the window, then one summary of the rest', async () => {
    const event = sampleEvent('ecs/task-crashed.json');
    const posted: number[] = [];

    for (let i = 0; i < 100; i++) posted.push((await rig.run(event)).messages.length);
    // The window closes: the scheduled sweep reports the folded run, once.
    await closeWindows();
    const sweep = await rig.run(sampleEvent('ecs/schedule.json'));
    const again = await rig.run(sampleEvent('ecs/schedule.json'));

    const total = posted.reduce((a, b) => a + b, 0) + sweep.messages.length + again.messages.length;
    expect(posted.reduce((a, b) => a + b, 0)).toBe(1);
    expect(sweep.messages).toHaveLength(1);
    assertSlackLimits(sweep.messages[0]);
    expect(header(sweep.messages[0])).toBe(':warning: 99 more ECS alerts: shop-api-prod');
    expect(again.messages).toEqual([]);
    expect(total).toBe(2);
  });

  it('carries the folded count in the next alert after the window instead of a separate summary', async () => {
    const event = sampleEvent('ecs/task-crashed.json');
    for (let i = 0; i < 5; i++) await rig.run(event);
    await closeWindows();

    const { messages } = await rig.run(event);
    const sweep = await rig.run(sampleEvent('ecs/schedule.json'));

    expect(visibleText(messages[0] ?? { text: '', blocks: [] })).toMatch(
      /4 more alerts for this service were folded since \d\d:\d\d UTC/,
    );
    expect(sweep.messages).toEqual([]);
  });

  it('posts one message when two invocations of a crash race for the same window', async () => {
    const event = sampleEvent('ecs/task-crashed.json');

    const { messages, logs } = await rig.race([event, event]);

    expect(messages).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'Alert folded into the open window' }));
    expect((await items())[0]?.folded).toEqual({ N: '1' });
  });

  it('alerts rather than stays silent when the flood gate table is unavailable', async () => {
    process.env.HERALD_STATE_TABLE = 'herald-missing-state';
    resetForTests();
    const event = sampleEvent('ecs/task-crashed.json');

    const first = await rig.run(event);
    const second = await rig.run(event);

    expect(first.messages).toHaveLength(1);
    expect(second.messages).toHaveLength(1);
    expect(second.logs).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'Flood gate unavailable; alerting without it' }),
    );
  });
});
