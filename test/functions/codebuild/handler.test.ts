import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchLogsClient, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { BatchGetBuildsCommand, CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeCommitClient, GetCommitCommand } from '@aws-sdk/client-codecommit';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { handler } from '../../../functions/codebuild/handler';
import { resetForTests } from '../../../shared/lambda/container';
import type { SlackMessage } from '../../../shared/slack/message';
import type { SlackServer } from '../../../testkit/slack-receiver';
import { useHandlerRig } from '../../helpers/handler-rig';
import { captureLogs, lambdaContext, sampleEvent } from '../../helpers/lambda';
import { assertSlackLimits, buttonUrls, visibleText } from '../../helpers/slack-limits';

const codeBuild = mockClient(CodeBuildClient);
const logs = mockClient(CloudWatchLogsClient);
const codeCommit = mockClient(CodeCommitClient);
const ssm = mockClient(SSMClient);

const FAILED_BUILD =
  'arn:aws:codebuild:eu-west-1:123456789012:build/herald-stage-app:0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b';
const COMMIT = '9f3c2a1b7e6d5c4b3a29180f7e6d5c4b3a291807';

function failedBuildDetails() {
  return {
    builds: [
      {
        id: 'herald-stage-app:0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b',
        arn: FAILED_BUILD,
        buildNumber: 42,
        buildStatus: 'FAILED' as const,
        projectName: 'herald-stage-app',
        initiator: 'codepipeline/herald-stage-pipeline',
        startTime: new Date('2026-11-20T14:04:12Z'),
        endTime: new Date('2026-11-20T14:07:40Z'),
        sourceVersion: COMMIT,
        resolvedSourceVersion: COMMIT,
        source: {
          type: 'CODECOMMIT' as const,
          location: 'https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/shop-api',
        },
        phases: [
          { phaseType: 'PRE_BUILD' as const, phaseStatus: 'SUCCEEDED' as const, durationInSeconds: 8 },
          {
            phaseType: 'BUILD' as const,
            phaseStatus: 'FAILED' as const,
            durationInSeconds: 163,
            contexts: [
              {
                statusCode: 'COMMAND_EXECUTION_ERROR',
                message:
                  'Error while executing command: docker build -t $IMAGE_REPO_NAME:$IMAGE_TAG .. Reason: exit status 1',
              },
            ],
          },
        ],
        logs: {
          groupName: '/aws/codebuild/herald-stage-app',
          streamName: '0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b',
        },
      },
    ],
  };
}

const LOG_LINES = [
  '[Container] 2026/11/20 14:04:55.120 Running command docker build -t $IMAGE_REPO_NAME:$IMAGE_TAG .',
  'Step 6/9 : RUN npm ci --omit=dev',
  'npm ERR! code ERESOLVE',
  'npm ERR! ERESOLVE could not resolve <peer react@"^18">',
  "\u001b[31mThe command '/bin/sh -c npm ci --omit=dev' returned a non-zero code: 1\u001b[0m",
  '[Container] 2026/11/20 14:07:38.501 Command did not exit successfully docker build exit status 1',
];

const rig = useHandlerRig(handler, { stateTable: true });
let slack: SlackServer;

beforeEach(() => {
  slack = rig.slack();
  codeBuild.reset();
  logs.reset();
  codeCommit.reset();
  ssm.reset();
  codeBuild.on(BatchGetBuildsCommand).resolves(failedBuildDetails());
  logs.on(GetLogEventsCommand).resolves({
    events: LOG_LINES.map((message, i) => ({ message: `${message}\n`, timestamp: 1795615000000 + i })),
  });
  codeCommit.on(GetCommitCommand).resolves({
    commit: {
      commitId: COMMIT,
      message: 'Pin react to 18 for the checkout page\n\nThe new SDK needs it.',
      parents: [],
    },
  });
});

async function run(event: unknown): Promise<SlackMessage[]> {
  return (await rig.run(event)).messages;
}

describe('codebuild handler', () => {
  it('posts a failed build with its failed phase, reason, commit and the tail of its log', async () => {
    const [message, ...others] = await run(sampleEvent('codebuild/failed.json'));

    expect(others).toHaveLength(0);
    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: ':x: Build failed: herald-stage-app #42', emoji: true },
    });
    expect(text).toContain('`BUILD`');
    expect(text).toContain('COMMAND_EXECUTION_ERROR: Error while executing command: docker build');
    expect(text).toContain('9f3c2a1 · Pin react to 18 for the checkout page');
    expect(text).toContain('Pipeline herald-stage-pipeline');
    expect(text).toContain('3 min 28 s');
    expect(text).toContain('npm ERR! ERESOLVE could not resolve &lt;peer react@"^18"&gt;');
    expect(text).not.toContain('\u001b[');
    expect(message.text).toContain('Build failed: herald-stage-app #42');
    expect(codeBuild).toHaveReceivedCommandWith(BatchGetBuildsCommand, { ids: [FAILED_BUILD] });
    expect(logs).toHaveReceivedCommandWith(GetLogEventsCommand, {
      logGroupName: '/aws/codebuild/herald-stage-app',
      logStreamName: '0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b',
      startFromHead: false,
    });
    expect(codeCommit).toHaveReceivedCommandWith(GetCommitCommand, {
      repositoryName: 'shop-api',
      commitId: COMMIT,
    });
  });

  it('links the build, its log stream and the commit in the event region', async () => {
    const [message] = await run(sampleEvent('codebuild/failed.json'));

    assertSlackLimits(message);
    expect(buttonUrls(message)).toEqual([
      'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/herald-stage-app/build/herald-stage-app%3A0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b/?region=eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#logsV2:log-groups/log-group/$252Faws$252Fcodebuild$252Fherald-stage-app/log-events/0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b',
      'https://eu-west-1.console.aws.amazon.com/codesuite/codepipeline/pipelines/herald-stage-pipeline/view?region=eu-west-1',
    ]);
    expect(visibleText(message)).toContain(
      '<https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/commit/9f3c2a1b7e6d5c4b3a29180f7e6d5c4b3a291807?region=eu-west-1|9f3c2a1 · Pin react to 18 for the checkout page>',
    );
  });

  it('posts the same failure when the event arrives wrapped in SNS', async () => {
    const [direct] = await run(sampleEvent('codebuild/failed.json'));
    slack.requests.length = 0;
    const [wrapped] = await run(sampleEvent('codebuild/sns-wrapped-failed.json'));

    assertSlackLimits(wrapped);
    expect(wrapped).toEqual(direct);
  });

  it('posts the same failure when it comes from a CodeStar notification rule', async () => {
    const [direct] = await run(sampleEvent('codebuild/failed.json'));
    slack.requests.length = 0;
    const [notified] = await run(sampleEvent('codebuild/codestar-failed.json'));

    assertSlackLimits(notified);
    expect(notified).toEqual(direct);
  });

  it('posts a succeeded pipeline build with the commit message found through HERALD_SOURCE_REPOSITORY', async () => {
    codeBuild.on(BatchGetBuildsCommand).resolves({
      builds: [
        {
          buildNumber: 43,
          initiator: 'codepipeline/herald-stage-pipeline',
          source: { type: 'CODEPIPELINE' },
          sourceVersion:
            'arn:aws:s3:::herald-stage-artifacts-123456789012/herald-stage-pipel/SourceArti/x7Yq2Lp',
          resolvedSourceVersion: COMMIT,
          environment: {
            type: 'ARM_CONTAINER',
            image: 'aws/codebuild/amazonlinux2-aarch64-standard:3.0',
            computeType: 'BUILD_GENERAL1_SMALL',
            environmentVariables: [
              { name: 'HERALD_SOURCE_REPOSITORY', value: 'shop-api', type: 'PLAINTEXT' },
            ],
          },
          startTime: new Date('2026-11-20T15:27:54Z'),
          endTime: new Date('2026-11-20T15:31:07Z'),
        },
      ],
    });

    const [message] = await run(sampleEvent('codebuild/succeeded.json'));

    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':white_check_mark: Build succeeded: herald-stage-app #43' },
    });
    expect(text).toContain('9f3c2a1 · Pin react to 18 for the checkout page');
    expect(text).toContain('3 min 13 s');
    expect(text).not.toContain('Last log lines');
    expect(logs).not.toHaveReceivedCommand(GetLogEventsCommand);
  });

  it('says nothing for a started build while the routing config mutes build.started', async () => {
    const messages = await run(sampleEvent('codebuild/in-progress.json'));

    expect(messages).toEqual([]);
  });

  it('names the phase a stopped build stopped in, as a warning', async () => {
    const [message] = await run(sampleEvent('codebuild/stopped.json'));

    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':warning: Build was stopped: herald-stage-app #42' },
    });
    expect(visibleText(message)).toContain('*Stopped in*');
  });

  it('still posts the failure, from the event alone, when every AWS read is denied', async () => {
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    codeBuild.on(BatchGetBuildsCommand).rejects(denied);
    logs
      .on(GetLogEventsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    codeCommit.on(GetCommitCommand).rejects(denied);

    const [message] = await run(sampleEvent('codebuild/failed.json'));

    assertSlackLimits(message);
    const text = visibleText(message);
    expect(message.blocks[0]).toMatchObject({ text: { text: ':x: Build failed: herald-stage-app #42' } });
    expect(text).toContain('COMMAND_EXECUTION_ERROR');
    expect(text).toContain(
      'Not available: build details (AccessDeniedException), build log (ThrottlingException)',
    );
  });

  it('posts a notice about an event it cannot read instead of dropping it', async () => {
    const broken = sampleEvent('codebuild/failed.json') as { detail: Record<string, unknown> };
    delete broken.detail['project-name'];

    const [message] = await run(broken);

    assertSlackLimits(message);
    expect(message.blocks[0]).toMatchObject({
      text: { text: ':warning: Herald could not read a CodeBuild event' },
    });
    expect(visibleText(message)).toContain('detail.project-name');
    expect(codeBuild).not.toHaveReceivedCommand(BatchGetBuildsCommand);
  });

  it("names in the fallback what it could still read, and the event's own region", async () => {
    const broken = sampleEvent('codebuild/failed.json') as {
      region: string;
      detail: Record<string, unknown>;
    };
    broken.region = 'ap-southeast-2';
    broken.detail['build-status'] = 42;

    const [message] = await run(broken);

    const text = visibleText(message ?? { text: '', blocks: [] });
    expect(text).toContain('*Project*\nherald-stage-app');
    expect(text).toContain('*Region*\nap-southeast-2');
  });

  it('reads the webhook from SSM, decrypted, and never logs it', async () => {
    delete process.env.SLACK_WEBHOOK_URL;
    resetForTests();
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: '/herald/stage/slack/releases', Value: slack.webhookUrl } });
    const logCapture = captureLogs();

    try {
      await handler(sampleEvent('codebuild/failed.json'), lambdaContext());
    } finally {
      logCapture.restore();
    }

    expect(slack.requests).toHaveLength(1);
    expect(slack.requests[0]?.path).toBe('/services/TLOCAL000/BLOCAL000/localtestwebhooktoken');
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/herald/stage/slack/releases',
      WithDecryption: true,
    });
    expect(logCapture.raw()).toContain('Notice delivered');
    expect(logCapture.raw()).not.toContain('localtestwebhooktoken');
  });

  it('fails the invocation, posting nothing, when the webhook secret cannot be read', async () => {
    delete process.env.SLACK_WEBHOOK_URL;
    resetForTests();
    ssm
      .on(GetParameterCommand)
      .rejects(Object.assign(new Error('no such parameter'), { name: 'ParameterNotFound' }));
    const logCapture = captureLogs();

    const outcome = handler(sampleEvent('codebuild/failed.json'), lambdaContext());

    await expect(outcome).rejects.toThrow(
      'Cannot read the webhook of channel "releases" from SSM parameter /herald/stage/slack/releases: ParameterNotFound',
    );
    logCapture.restore();
    expect(slack.requests).toHaveLength(0);
    expect(logCapture.lines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'codebuild invocation failed' }),
    );
  });

  it('fails the invocation when SSM holds something that is not a webhook URL, without logging it', async () => {
    delete process.env.SLACK_WEBHOOK_URL;
    resetForTests();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'not-a-url-but-a-secret-value' } });
    const logCapture = captureLogs();

    await expect(handler(sampleEvent('codebuild/failed.json'), lambdaContext())).rejects.toThrow(
      'does not hold an https webhook URL',
    );
    logCapture.restore();
    expect(slack.requests).toHaveLength(0);
    expect(logCapture.raw()).not.toContain('not-a-url-but-a-secret-value');
  });
});

describe('codebuild handler against a Slack that never answers', () => {
  it('fails the invocation within its time budget', async () => {
    slack.script('hang', 'hang', 'hang', 'hang', 'hang', 'hang');
    const logCapture = captureLogs();
    const started = Date.now();

    const outcome = handler(sampleEvent('codebuild/failed.json'), lambdaContext(5000));

    await expect(outcome).rejects.toThrow('not delivered before the deadline');
    logCapture.restore();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(logCapture.lines()).toContainEqual(
      expect.objectContaining({ level: 'ERROR', message: 'codebuild invocation failed' }),
    );
  });
});

describe('codebuild handler routing', () => {
  it('makes no AWS reads for a build event that routing sends nowhere', async () => {
    const messages = await run(sampleEvent('codebuild/in-progress.json'));

    expect(messages).toEqual([]);
    expect(codeBuild).not.toHaveReceivedCommand(BatchGetBuildsCommand);
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });
});

describe('codebuild handler on every sample', () => {
  const samples = readdirSync(join(__dirname, '..', '..', '..', 'events', 'codebuild')).filter(
    (file) => file.endsWith('.json') && !file.endsWith('.aws.json'),
  );

  it.each(samples)('%s: posts one message within Slack limits, or says why it posts none', async (file) => {
    const { messages, logs } = await rig.run(sampleEvent(`codebuild/${file}`));

    if (messages.length === 0) {
      expect(logs).toContainEqual(
        expect.objectContaining({ message: 'Notice not sent', reason: expect.any(String) }),
      );
    } else {
      expect(messages).toHaveLength(1);
      assertSlackLimits(messages[0]);
    }
  });
});

describe('codebuild handler with the delivery log on (dynalite)', () => {
  beforeEach(() => {
    process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'false';
    resetForTests();
  });

  it('posts a duplicated event once', async () => {
    const first = await run(sampleEvent('codebuild/failed.json'));
    const second = await run(sampleEvent('codebuild/failed.json'));

    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
    const { Items } = await rig
      .state()
      .client.send(new ScanCommand({ TableName: process.env.HERALD_STATE_TABLE }));
    expect(Items?.map((item) => item.status?.S)).toEqual(['sent']);
  });

  it('posts once when two invocations of the same event race', async () => {
    const event = sampleEvent('codebuild/failed.json');

    const { messages, logs } = await rig.race([event, event]);

    expect(messages).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ message: 'Notice already delivered' }));
  });

  it('posts a retried event once even when its AWS reads went differently', async () => {
    await run(sampleEvent('codebuild/failed.json'));
    codeBuild
      .on(BatchGetBuildsCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    expect(await run(sampleEvent('codebuild/failed.json'))).toEqual([]);
  });
});

describe('codebuild handler: Build Phase Change', () => {
  it('gives it a kind of its own, muted by default, with no AWS read and no fallback', async () => {
    const { messages, logs } = await rig.run(sampleEvent('codebuild/phase-change.json'));

    expect(messages).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'DEBUG',
        message: 'Notice not sent',
        kind: 'phase.pre-build.succeeded',
        reason: 'muted by "codebuild:phase.*"',
      }),
    );
    expect(codeBuild).not.toHaveReceivedCommand(BatchGetBuildsCommand);
  });

  it('says which phase ended, and how, once a team unmutes it', async () => {
    const { routingFile } = await import('../../../shared/routing/files');
    const stage = routingFile('stage') as { mute: string[] };
    const shipped = stage.mute;
    stage.mute = shipped.filter((pattern) => pattern !== 'codebuild:phase.*');
    resetForTests();
    try {
      const [message] = await run(sampleEvent('codebuild/phase-change.json'));

      assertSlackLimits(message);
      expect(message?.text).toBe('Build phase PRE_BUILD succeeded: herald-stage-app');
      expect(buttonUrls(message)[0]).toContain(
        '/projects/herald-stage-app/build/herald-stage-app%3A0b5e8f7c',
      );
    } finally {
      stage.mute = shipped;
    }
  });
});
