/**
 * The CodeDeploy and ECS reads of a codedeploy sample, answered from its recorded AWS answers
 * (`events/codedeploy/<sample>.aws.json`); a read a sample does not record stays unanswered.
 */
import {
  BatchGetDeploymentTargetsCommand,
  type CodeDeployClient,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  ListDeploymentTargetsCommand,
} from '@aws-sdk/client-codedeploy';
import { DescribeTaskDefinitionCommand, type ECSClient } from '@aws-sdk/client-ecs';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { recorded, recordedFor } from './recorded';

export function answerCodeDeployFrom(
  sample: string,
  codeDeploy: AwsClientStub<CodeDeployClient>,
  ecs: AwsClientStub<ECSClient>,
): void {
  const file = `codedeploy/${sample}.aws.json`;
  const optional = (operation: string, use: (answer: never) => void) => {
    try {
      use(recorded(file, operation));
    } catch {
      // Not every sample records every read.
    }
  };
  codeDeploy.on(GetDeploymentCommand).callsFake(recordedFor(file, 'CodeDeploy_20141006.GetDeployment'));
  optional('AmazonEC2ContainerServiceV20141113.DescribeTaskDefinition', (a) =>
    ecs.on(DescribeTaskDefinitionCommand).resolves(a),
  );
  optional('CodeDeploy_20141006.ListDeploymentTargets', (a) =>
    codeDeploy.on(ListDeploymentTargetsCommand).resolves(a),
  );
  optional('CodeDeploy_20141006.BatchGetDeploymentTargets', (a) =>
    codeDeploy.on(BatchGetDeploymentTargetsCommand).resolves(a),
  );
  optional('CodeDeploy_20141006.GetDeploymentGroup', (a) =>
    codeDeploy.on(GetDeploymentGroupCommand).resolves(a),
  );
}
