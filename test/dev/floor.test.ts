import { dependencyWaves, dynamoWaves, floorSource } from '../../dev/bench/floor';

const exchange = (target: string, request: unknown, response: unknown, start: number, end: number) => ({
  target,
  request: JSON.stringify(request),
  response: JSON.stringify(response),
  start,
  end,
});

describe("the bench's work floor", () => {
  it('puts a read a wave after the one whose answer it needed, and every other read first', () => {
    const event = JSON.stringify({ detail: { deploymentId: 'd-EVENT0001' } });
    const waves = dependencyWaves(
      [
        exchange(
          'CodeDeploy_20141006.GetDeployment',
          { deploymentId: 'd-EVENT0001' },
          // The task definition inside the AppSpec's text, as CodeDeploy answers it.
          { revision: { appSpecContent: { content: '{"TaskDefinition":"arn:td/shop:7"}' } } },
          0,
          20,
        ),
        exchange('AmazonSSM.GetParameter', { Name: '/herald/stage/slack/releases' }, { Value: 'x' }, 0, 20),
        // Made late by the function, but it needs nothing it did not know: first wave in the floor.
        exchange(
          'CodeDeploy_20141006.ListDeploymentTargets',
          { deploymentId: 'd-EVENT0001' },
          { targetIds: ['target-0001'] },
          30,
          50,
        ),
        exchange(
          'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition',
          { taskDefinition: 'arn:td/shop:7' },
          {},
          25,
          45,
        ),
        exchange('CodeDeploy_20141006.BatchGetDeploymentTargets', { targetIds: ['target-0001'] }, {}, 55, 75),
      ],
      event,
    );

    expect(waves).toEqual([
      [
        'CodeDeploy_20141006.GetDeployment',
        'AmazonSSM.GetParameter',
        'CodeDeploy_20141006.ListDeploymentTargets',
      ],
      [
        'AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition',
        'CodeDeploy_20141006.BatchGetDeploymentTargets',
      ],
    ]);
  });

  it('makes the calls of each wave together, after the wave before, and what needs Slack after Slack', () => {
    const request = (key: string) =>
      JSON.stringify({ TableName: 'herald-stage-state', Key: { key: { S: key } } });
    const source = floorSource({
      aws: [['CodeCommit_20150413.GetCommit'], ['CodeCommit_20150413.GetCommit']],
      dynamodb: [
        { operation: 'UpdateItem', input: request('claim#1'), wave: 1 },
        { operation: 'UpdateItem', input: request('release#1'), wave: 2 },
        { operation: 'UpdateItem', input: request('card#1'), wave: 1, afterSlack: true },
      ],
      slack: [{ kind: 'webhook', path: '/services/T/B/x' }],
    });

    expect(source.match(/await Promise\.all\(\[/g)).toHaveLength(3);
    const at = (text: string) => source.indexOf(text);
    expect(at('claim#1')).toBeLessThan(source.lastIndexOf('GetCommitCommand({})'));
    expect(at('release#1')).toBeGreaterThan(source.lastIndexOf('GetCommitCommand({})'));
    expect(at('card#1')).toBeGreaterThan(at('await post('));
  });

  it('sends a DynamoDB request after the AWS read whose answer held a value it carries, and after Slack what the function sent after', () => {
    const event = JSON.stringify({ detail: { pipeline: 'shop-pipeline', 'execution-id': 'exec-0001' } });
    const commit = 'a625406f6977d45c1391b078f4d3656e0b75bfcb';
    const exchanges = [
      exchange(
        'CodePipeline_20150709.GetPipelineExecution',
        { pipelineExecutionId: 'exec-0001' },
        { pipelineExecution: { artifactRevisions: [{ revisionId: commit, name: 'SourceArtifact' }] } },
        0,
        20,
      ),
    ];
    const update = (values: Record<string, unknown>) =>
      JSON.stringify({
        TableName: 'herald-stage-state',
        Key: { key: { S: 'release#shop-pipeline#exec-0001' } },
        UpdateExpression: 'SET steps = list_append(steps, :step)',
        ExpressionAttributeValues: values,
      });

    const waves = dynamoWaves(
      [
        // The delivery claim: it carries only what the event said (and numbers).
        { operation: 'UpdateItem', request: update({ ':at': { N: '1795183082000' } }), start: 1 },
        // The release's step, whose JSON holds the commit GetPipelineExecution answered.
        {
          operation: 'UpdateItem',
          request: update({ ':step': { L: [{ S: JSON.stringify({ commit: { id: commit } }) }] } }),
          start: 22,
        },
        // A word that is only part of a value of the answer is no dependency.
        { operation: 'UpdateItem', request: update({ ':stage': { S: 'Source' } }), start: 23 },
        // Sent after the first Slack call began: nothing before Slack needed it.
        { operation: 'UpdateItem', request: update({ ':done': { S: 'delivered' } }), start: 160 },
      ],
      exchanges,
      3,
      event,
    );

    expect(waves.map((w) => [w.wave, w.afterSlack ?? false])).toEqual([
      [1, false],
      [2, false],
      [1, false],
      [1, true],
    ]);
  });
});
