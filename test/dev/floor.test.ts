import { dependencyWaves, floorSource } from '../../dev/bench/floor';

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

  it('makes the calls of each wave together, after the wave before', () => {
    const source = floorSource({
      aws: [['CodeCommit_20150413.GetCommit'], ['CodeCommit_20150413.GetCommit']],
      dynamodb: { UpdateItem: 1 },
      slack: [{ kind: 'webhook', path: '/services/T/B/x' }],
    });

    expect(source.match(/await Promise\.all\(\[/g)).toHaveLength(2);
    expect(source.indexOf('UpdateItemCommand(((i)')).toBeLessThan(source.lastIndexOf('GetCommitCommand({})'));
  });
});
