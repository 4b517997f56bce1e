/**
 * CodeDeploy blue/green deployments → Slack.
 * Triggers: EventBridge `CodeDeploy Deployment State-change Notification`; a deployment group's
 * SNS trigger (its message is JSON with JSON strings inside).
 * Event docs: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 */
import { findActionRun } from '../../shared/aws/action-executions';
import { codeDeployClient, ecsClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/handler';
import { withHerald } from '../../shared/middleware';
import { describeDeployment } from './describe';
import { enrichDeployment } from './enrich';
import { modelsOf } from './model';
import { codeDeployInputSchema } from './schema';

const handleDeploymentEvents = eventHandler(
  'codedeploy',
  codeDeployInputSchema,
  modelsOf,
  {
    describe: describeDeployment,
    enrich: (change, { log }) =>
      enrichDeployment(change, { codeDeploy: codeDeployClient(), ecs: ecsClient(), log }),
  },
  // Finds the release a build or deployment of the pipeline belongs to (app mode).
  { findActionRun },
);

export const handler = withHerald('codedeploy', handleDeploymentEvents);
