/**
 * One Herald, three services, through the real handlers: with the routing file and the watch
 * lists that `sls package --stage platform` gives the functions, each service's events go to its
 * team's channel, and an event of an unwatched pipeline or service that arrives anyway is refused.
 */

import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { ECSClient } from '@aws-sdk/client-ecs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as codebuild } from '../../functions/codebuild/handler';
import { handler as codedeploy } from '../../functions/codedeploy/handler';
import { handler as codepipeline } from '../../functions/codepipeline/handler';
import { handler as ecs } from '../../functions/ecs/handler';
import { resetForTests } from '../../shared/lambda/container';
import { useHandlerRig } from '../helpers/handler-rig';
import { sampleEvent } from '../helpers/lambda';
import { packagedTemplate } from '../helpers/packaged';

const ssm = mockClient(SSMClient);
const codePipeline = mockClient(CodePipelineClient);
const ecsClient = mockClient(ECSClient);
const codeBuild = mockClient(CodeBuildClient);
const codeDeploy = mockClient(CodeDeployClient);
const HANDLERS: Record<string, typeof ecs> = {
  'aws.ecs': ecs,
  'aws.codebuild': codebuild,
  'aws.codedeploy': codedeploy,
  'aws.codepipeline': codepipeline,
};
const rig = useHandlerRig((event, context) => {
  const handle = HANDLERS[(event as { source?: string }).source ?? ''];
  if (!handle) throw new Error('no handler for this event');
  return handle(event, context);
});

/** What the packaged functions of the platform stage are told to watch. */
function packagedWatch(): string {
  const fn = Object.values(packagedTemplate('platform').Resources).find(
    (r) => r.Type === 'AWS::Lambda::Function',
  );
  const properties = (fn?.Properties ?? {}) as { Environment?: { Variables?: Record<string, string> } };
  const variables = properties.Environment?.Variables;
  return variables?.HERALD_WATCH ?? '';
}

beforeEach(() => {
  ssm.reset();
  codePipeline.reset();
  codeBuild.reset();
  codeDeploy.reset();
  ecsClient.reset();
  // App mode, as the example is: each team's channel by id, the bot token read from SSM as deployed,
  // Slack's Web API on the local receiver.
  ssm.on(GetParameterCommand).callsFake(async (input: { Name: string }) => ({
    Parameter: { Value: input.Name.endsWith('/bot-token') ? 'xoxb-platform-test-0000' : 'not-used' },
  }));
  process.env.SLACK_API_URL = rig.slack().apiUrl;
  codePipeline
    .onAnyCommand()
    .rejects(Object.assign(new Error('not here'), { name: 'AccessDeniedException' }));
  ecsClient.onAnyCommand().rejects(Object.assign(new Error('not here'), { name: 'AccessDeniedException' }));
  delete process.env.SLACK_WEBHOOK_URL;
  process.env.HERALD_WATCH = packagedWatch();
  rig.useStage('platform');
});

afterEach(() => {
  delete process.env.HERALD_WATCH;
  delete process.env.SLACK_API_URL;
  resetForTests();
});

function pipelineFailed(pipeline: string) {
  const event = sampleEvent('codepipeline/pipeline-failed.json') as { detail: { pipeline: string } };
  event.detail.pipeline = pipeline;
  return event;
}

function taskCrashed(service: string) {
  const event = sampleEvent('ecs/task-crashed.json') as { detail: { group: string } };
  event.detail.group = `service:${service}`;
  return event;
}

function buildFailed(project: string, pipeline: string) {
  const event = sampleEvent('codebuild/failed.json') as {
    detail: Record<string, unknown> & { 'additional-information': Record<string, unknown> };
  };
  event.detail['project-name'] = project;
  event.detail['additional-information'].initiator = `codepipeline/${pipeline}`;
  return event;
}

function deploymentFailed(application: string) {
  const event = sampleEvent('codedeploy/failure.json') as { detail: Record<string, unknown> };
  event.detail.application = application;
  event.detail.deploymentGroup = `${application}-prod`;
  return event;
}

/** The platform example's channels, by id. */
const TEAM: Record<string, string> = { C0CHECKOUT: 'checkout', C0SEARCH01: 'search', C0PAYMENTS: 'payments' };

/** Which team channels got messages. */
async function channelsOf(event: unknown) {
  const before = rig.slack().requests.length;
  const { logs } = await rig.run(event);
  const paths = rig
    .slack()
    .requests.slice(before)
    .map((r) => TEAM[String((r.json as { channel?: string }).channel)] ?? r.path);
  return { paths, logs };
}

describe('one Herald for three services', () => {
  it.each([
    ['checkout-pipeline', 'checkout'],
    ['search-pipeline', 'search'],
    ['pay-ledger-pipeline', 'payments'],
  ])("sends a failure of %s to its team's channel only", async (pipeline, channel) => {
    const { paths } = await channelsOf(pipelineFailed(pipeline));

    expect(paths).toEqual([channel]);
  });

  it("sends a failed build of a watched project to its pipeline's team", async () => {
    const { paths } = await channelsOf(buildFailed('search-app', 'search-pipeline'));

    expect(paths).toEqual(['search']);
  });

  it("sends a failed deployment of a watched application to its team's channel", async () => {
    const { paths } = await channelsOf(deploymentFailed('pay-ledger-app'));

    expect(paths).toEqual(['payments']);
  });

  it('refuses a build of an unwatched project and a deployment of an unwatched application', async () => {
    const build = await channelsOf(buildFailed('billing-app', 'search-pipeline'));
    const deployment = await channelsOf(deploymentFailed('billing-app'));

    expect([...build.paths, ...deployment.paths]).toEqual([]);
    expect(build.logs).toContainEqual(
      expect.objectContaining({ reason: 'not watched: project "billing-app"' }),
    );
    expect(deployment.logs).toContainEqual(
      expect.objectContaining({ reason: 'not watched: application "billing-app"' }),
    );
    expect(codeBuild.calls()).toHaveLength(0);
    expect(codeDeploy.calls()).toHaveLength(0);
  });

  it("sends a crash of a watched service to its team's channel", async () => {
    const { paths } = await channelsOf(taskCrashed('search-prod'));

    expect(paths).toEqual(['search']);
  });

  it('refuses an event of an unwatched pipeline that arrives anyway, and says why', async () => {
    const { paths, logs } = await channelsOf(pipelineFailed('billing-pipeline'));

    expect(paths).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({
        message: 'Notice not sent',
        reason: 'not watched: pipeline "billing-pipeline"',
      }),
    );
    expect(codePipeline.calls()).toHaveLength(0);
  });

  it('refuses a crash of an unwatched service', async () => {
    const { paths, logs } = await channelsOf(taskCrashed('billing-prod'));

    expect(paths).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ message: 'Notice not sent', reason: 'not watched: service "billing-prod"' }),
    );
  });
});
