import {
  CodeDeployClient,
  GetDeploymentCommand,
  type GetDeploymentCommandOutput,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/codedeploy/handler';
import { answerCodeDeployFrom } from '../../helpers/codedeploy-answers';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codeDeploy = mockClient(CodeDeployClient);
const ecs = mockClient(ECSClient);
const rig = useHandlerRig(handler);

/** Answers every read from the sample's recorded AWS answers. */
const answerFrom = (sample: string) => answerCodeDeployFrom(sample, codeDeploy, ecs);

async function post(sample: string) {
  answerFrom(sample);
  const { messages } = await rig.run(sampleEvent(`codedeploy/${sample}.json`));
  expect(messages).toHaveLength(1);
  const [message] = messages;
  assertSlackLimits(message);
  return { message, text: visibleText(message) };
}

beforeEach(() => {
  codeDeploy.reset();
  ecs.reset();
});

describe('codedeploy handler', () => {
  it('announces a start with the environment, task definition and image being deployed', async () => {
    const { message, text } = await post('start');

    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: Deployment started in prod: herald-stage-app' },
    });
    expect(text).toContain('*Environment*\nprod');
    expect(text).toContain('*Task definition*\nshop-api-prod:43');
    expect(text).toContain('*Image*\nshop-api:a625406');
    expect(text).toContain('Deployed by CodePipeline herald-stage-pipeline');
    expect(ecs).toHaveReceivedCommandWith(DescribeTaskDefinitionCommand, {
      taskDefinition: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-api-prod:43',
    });
    expect(codeDeploy).not.toHaveReceivedCommand(ListDeploymentTargetsCommand);
  });

  it('says when the original task set will be terminated once traffic has shifted', async () => {
    const { message, text } = await post('ready');

    expect(message.blocks[0]).toMatchObject({
      text: { text: ':white_check_mark: Deployment shifted traffic in prod: herald-stage-app' },
    });
    expect(text).toContain('*Original task set*\nshop-api-prod:42, kept until 2026-11-20 19:16 UTC');
    expect(text).toContain('The original one is kept for 3 h (until 2026-11-20 19:16 UTC)');
    expect(text).toContain('*Green task set*\n4/4 running, 100% traffic');
  });

  it('explains a failure: error code and message, the failed step and its output, the rollback', async () => {
    rig.useStage('prod');

    const { message, text } = await post('failure');

    expect(message.blocks[0]).toMatchObject({
      text: { text: ':x: Deployment failed in prod: herald-stage-app' },
    });
    // The prod routing file sends prod deployment failures to the alerts channel with <!here>.
    expect(message.text).toMatch(/^<!here> /);
    expect(text).toContain('*Error*\n`HEALTH_CONSTRAINTS`');
    expect(text).toContain(
      'The deployment failed because a specified lifecycle hook Lambda function reported Failed.',
    );
    expect(text).toContain('*Failed step*\n`BeforeAllowTraffic`');
    expect(text).toContain('/healthz answered 503 on 3 of 3 tries');
    expect(text).toContain('GET https://test.shop.example.com:8001/healthz -&gt; 503');
    expect(text).toContain('*Rolled back by*');
    expect(buttonUrls(message)).toEqual([
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-9XHY2BC7D?region=eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-2B8VFQ6LK?region=eu-west-1',
    ]);
  });

  it('reads the SNS trigger form, with its JSON-in-JSON error and rollback, like the EventBridge form', async () => {
    const { text } = await post('sns-failed');

    expect(text).toContain('*Error*\n`HEALTH_CONSTRAINTS`');
    expect(text).toContain('*Rolled back by*');
    expect(text).toContain('*Duration*\n7 min 13 s');
  });

  it('announces the rollback deployment as a rollback, naming what it rolls back', async () => {
    const { message, text } = await post('sns-rollback-in-progress');

    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: Rollback started in prod: herald-stage-app' },
    });
    expect(text).toContain('*Rolls back*');
    expect(text).toContain('d-9XHY2BC7D');
  });

  it('announces a stopped deployment as a warning with its reason', async () => {
    const { message, text } = await post('stop');

    expect(message.blocks[0]).toMatchObject({
      text: { text: ':warning: Deployment stopped in stage: herald-stage-app' },
    });
    expect(text).toContain('The deployment was stopped by a user');
  });

  it('presents a START that arrives after the deployment succeeded as started, saying what it is now', async () => {
    answerFrom('start');
    const done = recorded<GetDeploymentCommandOutput>(
      'codedeploy/success.aws.json',
      'CodeDeploy_20141006.GetDeployment',
    );
    codeDeploy.on(GetDeploymentCommand).resolves(done);

    const { messages } = await rig.run(sampleEvent('codedeploy/start.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: Deployment started in prod: herald-stage-app' },
    });
    expect(visibleText(message)).toContain('*Now*\nSucceeded');
  });

  it('still posts the failure from the event alone when CodeDeploy and ECS deny every read', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    codeDeploy.onAnyCommand().rejects(denied);
    ecs.onAnyCommand().rejects(denied);

    const { messages } = await rig.run(sampleEvent('codedeploy/failure.json'));

    const [message] = messages;
    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':x: Deployment failed in prod: herald-stage-app' },
    });
    expect(visibleText(message)).toContain(
      'Not available: deployment details (AccessDeniedException), deployment target (AccessDeniedException)',
    );
  });
});

describe('codedeploy handler: events in the other documented shapes', () => {
  it('reads the User Guide trigger format (objects, counts as strings, epoch-second times) as a full failure', async () => {
    const { messages } = await rig.run(sampleEvent('codedeploy/sns-failed-user-guide.json'));

    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message?.text).toMatch(/^Deployment failed in prod: herald-stage-app/);
    expect(text).toContain('*Error*\n`IAM_ROLE_MISSING`');
    expect(text).toContain('IAM Role is missing for deployment group: herald-stage-app-prod');
    expect(text).toContain('*Duration*\n7 min 13 s');
  });

  it.each(['instance-succeeded', 'sns-instance-trigger'])(
    'gives %s a kind of its own, muted by default, with no AWS read and no fallback',
    async (sample) => {
      const { messages, logs } = await rig.run(sampleEvent(`codedeploy/${sample}.json`));

      expect(messages).toEqual([]);
      expect(logs).toContainEqual(
        expect.objectContaining({
          message: 'Notice not sent',
          kind: 'instance.succeeded',
          reason: 'muted by "codedeploy:instance.*"',
        }),
      );
      expect(logs.some((line) => line.message === 'Event could not be read')).toBe(false);
    },
  );
});
