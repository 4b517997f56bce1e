/**
 * CodeDeploy blue/green deployments → Slack.
 * Triggers: EventBridge `CodeDeploy Deployment State-change Notification`; a deployment group's
 * SNS trigger (its message is JSON with JSON strings inside).
 * Event docs: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 */
import { findActionRun } from '../../shared/aws/action-executions';
import { codeDeployClient, dynamoClient, ecsClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/flow/handler';
import type { Describer } from '../../shared/flow/notify';
import { withHerald } from '../../shared/lambda/middleware';
import { describeCodeDeploy } from './describe';
import { enrichDeployment } from './enrich';
import { type CodeDeployModel, type DeploymentEnrichment, isInstance, modelsOf } from './model';
import { codeDeployInputSchema } from './schema';

/** A build's or deployment's own reads; `findActionRun` finds its release (app mode). */
const reads: Describer<CodeDeployModel, DeploymentEnrichment> = {
  describe: describeCodeDeploy,
  // An instance event says all there is: no read.
  enrich: async (change, { log, config }) =>
    isInstance(change)
      ? { taskSets: [], problems: [] }
      : enrichDeployment(change, {
          codeDeploy: codeDeployClient(),
          ecs: ecsClient(),
          log,
          state: config.stateTable ? { dynamo: dynamoClient(), table: config.stateTable } : undefined,
        }),
};

const handleDeploymentEvents = eventHandler('codedeploy', codeDeployInputSchema, modelsOf, reads, {
  findActionRun,
});

export const handler = withHerald('codedeploy', handleDeploymentEvents);
