import {
  CodePipelineClient,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
} from '@aws-sdk/client-codepipeline';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/codepipeline/handler';
import { useHandlerRig } from '../../helpers/handler-rig';
import { sampleEvent } from '../../helpers/lambda';
import { recorded } from '../../helpers/recorded';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codePipeline = mockClient(CodePipelineClient);
const rig = useHandlerRig(handler);

function answerFrom(sample: string) {
  const file = `codepipeline/${sample}.aws.json`;
  const answer = (operation: string) => {
    try {
      return recorded(file, `CodePipeline_20150709.${operation}`);
    } catch {
      return undefined;
    }
  };
  codePipeline.on(GetPipelineExecutionCommand).resolves(answer('GetPipelineExecution') ?? {});
  codePipeline.on(ListActionExecutionsCommand).resolves(answer('ListActionExecutions') ?? {});
  codePipeline.on(ListPipelineExecutionsCommand).resolves(answer('ListPipelineExecutions') ?? {});
}

async function messagesFor(sample: string) {
  answerFrom(sample);
  const { messages, logs } = await rig.run(sampleEvent(`codepipeline/${sample}.json`));
  for (const message of messages) assertSlackLimits(message);
  return { messages, logs };
}

beforeEach(() => {
  codePipeline.reset();
});

describe('codepipeline handler', () => {
  it('announces a run with its trigger and the commit it builds', async () => {
    const [message] = (await messagesFor('pipeline-started')).messages;

    expect(message?.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: Pipeline started: herald-stage-pipeline' },
    });
    const text = visibleText(message ?? { text: '', blocks: [] });
    expect(text).toContain('CloudWatchEvent · herald-stage-source-change');
    expect(text).toContain('a625406 · Add VAT to checkout totals');
  });

  it('gives a succeeded run its total duration', async () => {
    const [message] = (await messagesFor('pipeline-succeeded')).messages;

    expect(visibleText(message ?? { text: '', blocks: [] })).toContain('*Duration*\n2 h 18 min');
  });

  it('names the failed action, its error, and links the failing deployment of a failed run', async () => {
    const [message] = (await messagesFor('pipeline-failed')).messages;

    const text = visibleText(message ?? { text: '', blocks: [] });
    expect(message?.blocks[0]).toMatchObject({
      text: { text: ':x: Pipeline failed: herald-stage-pipeline' },
    });
    expect(text).toContain('*Failed action*\nDeploy-prod / Deploy-prod');
    expect(text).toContain('Deployment d-9XHY2BC7D failed. Error code: HEALTH_CONSTRAINTS');
    expect(buttonUrls(message ?? { text: '', blocks: [] })).toEqual([
      'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/herald-stage-pipeline/executions/9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d/timeline?region=eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-9XHY2BC7D?region=eu-west-1',
    ]);
  });

  it('names a failed build action, its error and links the failing build in the region', async () => {
    const [message] = (await messagesFor('action-failed-codebuild')).messages;

    const text = visibleText(message ?? { text: '', blocks: [] });
    expect(message?.blocks[0]).toMatchObject({
      text: { text: ':x: Action Build failed: herald-stage-pipeline' },
    });
    expect(text).toContain('Build terminated with state: FAILED');
    expect(text).toContain('*Error*\n`JobFailed`');
    expect(buttonUrls(message ?? { text: '', blocks: [] })).toContain(
      'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/herald-stage-app/build/herald-stage-app%3A0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b/?region=eu-west-1',
    );
    expect(codePipeline).not.toHaveReceivedCommand(ListActionExecutionsCommand);
  });

  it('reads the message out of a JSON-encoded external execution summary', async () => {
    const [message] = (await messagesFor('action-failed-codedeploy')).messages;

    expect(message?.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Deployment d-9XHY2BC7D failed. Error code: HEALTH_CONSTRAINTS' },
    });
  });

  it.each([
    ['pipeline-failed', 'codestar-pipeline-failed'],
    ['action-failed-codedeploy', 'codestar-action-failed'],
  ])(
    'posts the same message for %s from EventBridge and from CodeStar Notifications',
    async (eventBridge, codeStar) => {
      const direct = (await messagesFor(eventBridge)).messages;
      codePipeline.reset();
      const notified = (await messagesFor(codeStar)).messages;

      expect(direct).toHaveLength(1);
      expect(notified).toEqual(direct);
    },
  );

  it.each([
    ['stage-failed', 'muted by "codepipeline:stage.*"'],
    ['approval-action-started', 'muted by "codepipeline:approval.waiting"'],
  ])('stays silent by default for %s and makes no AWS read', async (sample, reason) => {
    const { messages, logs } = await messagesFor(sample);

    expect(messages).toEqual([]);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'Notice not sent', reason }));
    expect(codePipeline).not.toHaveReceivedCommand(GetPipelineExecutionCommand);
  });

  it('reads an event without region, with the long pipeline ARN form, from its ARN', async () => {
    const [message] = (await messagesFor('pipeline-superseded')).messages;

    expect(message?.blocks[0]).toMatchObject({
      text: { text: ':large_blue_circle: Pipeline superseded: herald-stage-pipeline' },
    });
    expect(buttonUrls(message ?? { text: '', blocks: [] })[0]).toContain(
      'https://eu-west-1.console.aws.amazon.com/',
    );
  });

  it('still posts a failed run from the event alone when CodePipeline denies every read', async () => {
    codePipeline
      .onAnyCommand()
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    const { messages } = await rig.run(sampleEvent('codepipeline/pipeline-failed.json'));

    const [message] = messages;
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(text).toContain('*Failed actions*');
    expect(text).toContain('Deploy-prod: Deployment d-9XHY2BC7D failed. Error code: HEALTH_CONSTRAINTS');
    expect(text).toContain('Not available: action executions (AccessDeniedException)');
  });
});
