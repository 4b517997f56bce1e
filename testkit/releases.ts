/**
 * Whole releases of the pipeline Herald ships, as the events AWS sends for them (EventBridge and
 * the approval topic's SNS message), in the order they happen, with the AWS answers Herald's
 * reads get. One pipeline execution, one commit, one build, one deployment per environment.
 * Used by the release tests and by `npm start` to show a release card as it evolves.
 */
import type { RecordedResponses } from './aws-stand-in';

export const PIPELINE = 'herald-stage-pipeline';
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';
const COMMIT = '9f3c2a1b7e6d5c4b3a29180f7e6d5c4b3a291807';
const PARENT = '41d7c0e9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29';
const PROJECT = 'herald-stage-app';
const APPLICATION = 'herald-stage-app';

/** Which function gets the event (the serverless.yml key's folder). */
export type Target = 'codecommit' | 'codepipeline' | 'codebuild' | 'codedeploy' | 'approval-request' | 'ecs';

export const TARGETS: Target[] = [
  'codecommit',
  'codepipeline',
  'codebuild',
  'codedeploy',
  'approval-request',
  'ecs',
];

export interface ReleaseEvent {
  name: string;
  target: Target;
  event: unknown;
}

export interface Release {
  name: string;
  executionId: string;
  events: ReleaseEvent[];
  responses: RecordedResponses;
}

function at(start: number, minutes: number): string {
  return new Date(start + minutes * 60_000).toISOString().replace('.000Z', 'Z');
}

function envelope(detailType: string, source: string, time: string, detail: Record<string, unknown>) {
  return {
    version: '0',
    id: `${detailType}-${time}`,
    'detail-type': detailType,
    source,
    account: ACCOUNT,
    time,
    region: REGION,
    resources: [],
    detail,
  };
}

function pushEvent(time: string) {
  return envelope('CodeCommit Repository State Change', 'aws.codecommit', time, {
    event: 'referenceUpdated',
    repositoryName: 'shop-api',
    referenceType: 'branch',
    referenceName: 'main',
    referenceFullName: 'refs/heads/main',
    commitId: COMMIT,
    oldCommitId: PARENT,
    callerUserArn: `arn:aws:iam::${ACCOUNT}:user/jane.doe`,
  });
}

function pipelineEvent(executionId: string, time: string, state: string) {
  return envelope('CodePipeline Pipeline Execution State Change', 'aws.codepipeline', time, {
    pipeline: PIPELINE,
    'execution-id': executionId,
    state,
    version: 3,
  });
}

function stageEvent(executionId: string, time: string, stage: string, state: string) {
  return envelope('CodePipeline Stage Execution State Change', 'aws.codepipeline', time, {
    pipeline: PIPELINE,
    'execution-id': executionId,
    stage,
    state,
    version: 3,
  });
}

function actionEvent(
  executionId: string,
  time: string,
  stage: string,
  action: string,
  category: string,
  provider: string,
  state: string,
) {
  return envelope('CodePipeline Action Execution State Change', 'aws.codepipeline', time, {
    pipeline: PIPELINE,
    'execution-id': executionId,
    stage,
    action,
    state,
    region: REGION,
    type: { owner: 'AWS', provider, category, version: '1' },
    version: 3,
  });
}

function buildEvent(buildId: string, number: number, time: string, status: string, started: string) {
  return envelope('CodeBuild Build State Change', 'aws.codebuild', time, {
    'build-status': status,
    'project-name': PROJECT,
    'build-id': `arn:aws:codebuild:${REGION}:${ACCOUNT}:build/${buildId}`,
    'additional-information': {
      'build-number': number,
      initiator: `codepipeline/${PIPELINE}`,
      'build-start-time': started,
      source: { type: 'CODEPIPELINE' },
      logs: { 'group-name': `/aws/codebuild/${PROJECT}`, 'stream-name': buildId.split(':')[1] },
      ...(status === 'FAILED'
        ? {
            phases: [
              {
                'phase-type': 'BUILD',
                'phase-status': 'FAILED',
                'phase-context': ['COMMAND_EXECUTION_ERROR: npm test exit status 1'],
              },
            ],
          }
        : {}),
    },
  });
}

function deployEvent(deploymentId: string, group: string, time: string, state: string) {
  return envelope('CodeDeploy Deployment State-change Notification', 'aws.codedeploy', time, {
    application: APPLICATION,
    deploymentGroup: group,
    deploymentId,
    state,
    region: REGION,
  });
}

function approvalRequest(time: string, expires: string) {
  const message = {
    region: REGION,
    approval: {
      pipelineName: PIPELINE,
      stageName: 'Approval',
      actionName: 'Approve-prod',
      token: '0f6ad3e2-7c41-4b9e-9a5d-2c8e1b7f4a60',
      expires,
      externalEntityLink: 'https://stage.shop.example.com',
      customData: 'Stage is green. Check checkout before approving prod.',
    },
  };
  return {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: { Message: JSON.stringify(message), Subject: 'APPROVAL NEEDED', Timestamp: time },
      },
    ],
  };
}

function actionExecutions(
  executionId: string,
  actions: Array<{ stage: string; action: string; externalId: string }>,
) {
  return {
    actionExecutionDetails: actions.map((a) => ({
      pipelineExecutionId: executionId,
      stageName: a.stage,
      actionName: a.action,
      status: 'InProgress',
      output: { executionResult: { externalExecutionId: a.externalId } },
    })),
  };
}

function deployment(id: string, group: string, revision: number, waitMinutes: number, created: number) {
  const environment = group.endsWith('prod') ? 'prod' : 'stage';
  const appSpec = [
    'version: 0.0',
    'Resources:',
    '  - TargetService:',
    '      Type: AWS::ECS::Service',
    '      Properties:',
    `        TaskDefinition: "arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/shop-api-${environment}:${revision}"`,
    '        LoadBalancerInfo:',
    '          ContainerName: "web"',
    '          ContainerPort: 8080',
  ].join('\n');
  return {
    deploymentInfo: {
      applicationName: APPLICATION,
      deploymentGroupName: group,
      deploymentId: id,
      status: 'InProgress',
      creator: 'user',
      deploymentConfigName: 'CodeDeployDefault.ECSAllAtOnce',
      createTime: created / 1000,
      blueGreenDeploymentConfiguration: {
        terminateBlueInstancesOnDeploymentSuccess: {
          action: 'TERMINATE',
          terminationWaitTimeInMinutes: waitMinutes,
        },
      },
      revision: { revisionType: 'AppSpecContent', appSpecContent: { content: appSpec } },
    },
  };
}

function commonResponses(
  executionId: string,
  actions: Array<{ stage: string; action: string; externalId: string }>,
) {
  return {
    'CodeDeploy_20141006.GetDeployment': {
      $byRequest: 'deploymentId',
      answers: {
        'd-STAGE0001': deployment('d-STAGE0001', `${APPLICATION}-stage`, 44, 0, START + 5 * 60_000),
        'd-PROD00001': deployment('d-PROD00001', `${APPLICATION}-prod`, 44, 180, START + 41 * 60_000),
      },
    },
    'CodeCommit_20150413.GetCommit': {
      commit: {
        commitId: COMMIT,
        message: 'Add VAT to checkout totals',
        author: { name: 'Jane Doe', email: 'jane.doe@example.com' },
        parents: [PARENT],
      },
    },
    'CodeCommit_20150413.GetDifferences': {
      differences: [
        { changeType: 'M', afterBlob: { path: 'src/checkout/totals.ts' } },
        { changeType: 'A', afterBlob: { path: 'src/checkout/vat.ts' } },
      ],
    },
    'CodePipeline_20150709.ListActionExecutions': actionExecutions(executionId, actions),
    'CodePipeline_20150709.GetPipelineExecution': {
      pipelineExecution: {
        pipelineName: PIPELINE,
        pipelineExecutionId: executionId,
        status: 'InProgress',
        artifactRevisions: [
          {
            name: 'SourceArtifact',
            revisionId: COMMIT,
            revisionSummary: 'Add VAT to checkout totals',
            revisionUrl: `https://${REGION}.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/commit/${COMMIT}?region=${REGION}`,
          },
        ],
      },
    },
    'CodePipeline_20150709.PutApprovalResult': { approvedAt: 1795190400 },
    'CodePipeline_20150709.GetPipelineState': {
      pipelineName: PIPELINE,
      stageStates: [
        {
          stageName: 'Approval',
          latestExecution: { pipelineExecutionId: executionId, status: 'InProgress' },
        },
      ],
    },
  };
}

const START = Date.parse('2026-11-20T14:00:00Z');

/** push → build → stage → approval → prod: everything succeeds. */
export function happyRelease(executionId = '3b1c7d9e-5f2a-4c8b-9d61-0e7a2b4c6d8f'): Release {
  const build = `${PROJECT}:6a1d9c2e-77b4-4b8e-a0f1-5c3d2e1f0a9b`;
  const e = executionId;
  const t = (m: number) => at(START, m);
  return {
    name: 'happy path',
    executionId,
    events: [
      { name: 'push', target: 'codecommit', event: pushEvent(at(START, -1)) },
      { name: 'pipeline started', target: 'codepipeline', event: pipelineEvent(e, t(0), 'STARTED') },
      { name: 'Source started', target: 'codepipeline', event: stageEvent(e, t(0), 'Source', 'STARTED') },
      { name: 'Source succeeded', target: 'codepipeline', event: stageEvent(e, t(1), 'Source', 'SUCCEEDED') },
      { name: 'Build started', target: 'codepipeline', event: stageEvent(e, t(1), 'Build', 'STARTED') },
      {
        name: 'build started',
        target: 'codebuild',
        event: buildEvent(build, 43, t(1), 'IN_PROGRESS', 'Nov 20, 2026 2:01:00 PM'),
      },
      {
        name: 'build succeeded',
        target: 'codebuild',
        event: buildEvent(build, 43, t(4), 'SUCCEEDED', 'Nov 20, 2026 2:01:00 PM'),
      },
      { name: 'Build succeeded', target: 'codepipeline', event: stageEvent(e, t(4), 'Build', 'SUCCEEDED') },
      {
        name: 'stage deployment started',
        target: 'codedeploy',
        event: deployEvent('d-STAGE0001', 'herald-stage-app-stage', t(5), 'START'),
      },
      {
        name: 'stage deployment succeeded',
        target: 'codedeploy',
        event: deployEvent('d-STAGE0001', 'herald-stage-app-stage', t(12), 'SUCCESS'),
      },
      {
        name: 'Deploy-stage succeeded',
        target: 'codepipeline',
        event: stageEvent(e, t(12), 'Deploy-stage', 'SUCCEEDED'),
      },
      {
        name: 'approval waiting',
        target: 'codepipeline',
        event: actionEvent(e, t(12), 'Approval', 'Approve-prod', 'Approval', 'Manual', 'STARTED'),
      },
      {
        name: 'approval requested',
        target: 'approval-request',
        event: approvalRequest(t(12), '2026-11-27T14:12Z'),
      },
      {
        name: 'approval approved',
        target: 'codepipeline',
        event: actionEvent(e, t(40), 'Approval', 'Approve-prod', 'Approval', 'Manual', 'SUCCEEDED'),
      },
      {
        name: 'prod deployment started',
        target: 'codedeploy',
        event: deployEvent('d-PROD00001', 'herald-stage-app-prod', t(41), 'START'),
      },
      {
        name: 'prod traffic shifted',
        target: 'codedeploy',
        event: deployEvent('d-PROD00001', 'herald-stage-app-prod', t(48), 'READY'),
      },
      {
        name: 'prod deployment succeeded',
        target: 'codedeploy',
        event: deployEvent('d-PROD00001', 'herald-stage-app-prod', t(138), 'SUCCESS'),
      },
      {
        name: 'Deploy-prod succeeded',
        target: 'codepipeline',
        event: stageEvent(e, t(138), 'Deploy-prod', 'SUCCEEDED'),
      },
      { name: 'pipeline succeeded', target: 'codepipeline', event: pipelineEvent(e, t(138), 'SUCCEEDED') },
    ],
    responses: commonResponses(e, [
      { stage: 'Build', action: 'Build', externalId: build },
      { stage: 'Deploy-stage', action: 'Deploy', externalId: 'd-STAGE0001' },
      { stage: 'Deploy-prod', action: 'Deploy', externalId: 'd-PROD00001' },
    ]),
  };
}

/** The build fails: the run stops there. */
export function failedBuildRelease(executionId = '5d7e9f1a-2b3c-4d5e-8f60-718293a4b5c6'): Release {
  const build = `${PROJECT}:0b5e8f7c-3c1a-4f0e-9d2b-8a6c4e2f1d3b`;
  const e = executionId;
  const t = (m: number) => at(START, m);
  return {
    name: 'failed build',
    executionId,
    events: [
      { name: 'push', target: 'codecommit', event: pushEvent(at(START, -1)) },
      { name: 'pipeline started', target: 'codepipeline', event: pipelineEvent(e, t(0), 'STARTED') },
      { name: 'Source succeeded', target: 'codepipeline', event: stageEvent(e, t(1), 'Source', 'SUCCEEDED') },
      {
        name: 'build started',
        target: 'codebuild',
        event: buildEvent(build, 42, t(1), 'IN_PROGRESS', 'Nov 20, 2026 2:01:00 PM'),
      },
      {
        name: 'build failed',
        target: 'codebuild',
        event: buildEvent(build, 42, t(4), 'FAILED', 'Nov 20, 2026 2:01:00 PM'),
      },
      { name: 'Build failed', target: 'codepipeline', event: stageEvent(e, t(4), 'Build', 'FAILED') },
      { name: 'pipeline failed', target: 'codepipeline', event: pipelineEvent(e, t(4), 'FAILED') },
    ],
    responses: commonResponses(e, [{ stage: 'Build', action: 'Build', externalId: build }]),
  };
}

/** Prod's deployment fails and CodeDeploy rolls it back. */
export function failedProdRelease(executionId = '7f8e9d0c-1b2a-4c3d-9e4f-5a6b7c8d9e0f'): Release {
  const happy = happyRelease(executionId);
  const upToProd = happy.events.slice(
    0,
    happy.events.findIndex((event) => event.name === 'prod traffic shifted'),
  );
  const t = (m: number) => at(START, m);
  const e = executionId;
  return {
    name: 'failed prod deployment',
    executionId,
    events: [
      ...upToProd,
      {
        name: 'prod deployment failed',
        target: 'codedeploy',
        event: deployEvent('d-PROD00001', 'herald-stage-app-prod', t(46), 'FAILURE'),
      },
      {
        name: 'Deploy-prod failed',
        target: 'codepipeline',
        event: stageEvent(e, t(46), 'Deploy-prod', 'FAILED'),
      },
      { name: 'new revision crashed', target: 'ecs', event: taskCrash(t(45), 'shop-api-prod:44') },
      {
        name: 'rollback started',
        target: 'codedeploy',
        event: deployEvent('d-ROLLBACK1', 'herald-stage-app-prod', t(46), 'START'),
      },
      {
        name: 'rollback succeeded',
        target: 'codedeploy',
        event: deployEvent('d-ROLLBACK1', 'herald-stage-app-prod', t(49), 'SUCCESS'),
      },
      { name: 'pipeline failed', target: 'codepipeline', event: pipelineEvent(e, t(46), 'FAILED') },
    ],
    responses: withRollback(happy.responses),
  };
}

/** A task of the new revision that crashed while prod's deployment was under way. */
function taskCrash(time: string, revision: string) {
  const task = `arn:aws:ecs:${REGION}:${ACCOUNT}:task/shop-cluster/9e8d7c6b5a4f4e3d2c1b0a9f8e7d6c5b`;
  return envelope('ECS Task State Change', 'aws.ecs', time, {
    clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/shop-cluster`,
    taskArn: task,
    taskDefinitionArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${revision}`,
    group: 'service:shop-api-prod',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    stoppedAt: time,
    containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 1, reason: 'Error: VAT table missing' }],
  });
}

/** CodeDeploy's own rollback of the failed prod deployment: a deployment of its own. */
function withRollback(responses: RecordedResponses): RecordedResponses {
  const getDeployment = responses['CodeDeploy_20141006.GetDeployment'] as {
    answers: Record<string, unknown>;
  };
  const rollback = deployment('d-ROLLBACK1', `${APPLICATION}-prod`, 43, 0, START + 46 * 60_000) as {
    deploymentInfo: Record<string, unknown>;
  };
  rollback.deploymentInfo.creator = 'codeDeployRollback';
  rollback.deploymentInfo.rollbackInfo = { rollbackTriggeringDeploymentId: 'd-PROD00001' };
  return {
    ...responses,
    'CodeDeploy_20141006.GetDeployment': {
      $byRequest: 'deploymentId',
      answers: { ...getDeployment.answers, 'd-ROLLBACK1': rollback },
    },
  };
}
