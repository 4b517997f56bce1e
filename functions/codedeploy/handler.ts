/**
 * CodeDeploy blue/green deployments → Slack.
 * Triggers: EventBridge `CodeDeploy Deployment State-change Notification`; a deployment group's
 * SNS trigger (its message is JSON with JSON strings inside).
 * Event docs: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 */

import { codeDeployClient, dynamoClient, ecsClient } from '../../shared/aws/clients';
import { pipelineReader } from '../../shared/aws/pipelines';
import { eventHandler } from '../../shared/flow/handler';
import type { Describer } from '../../shared/flow/notify';
import type { Runtime } from '../../shared/flow/runtime';
import { withHerald } from '../../shared/lambda/middleware';
import { describeCodeDeploy } from './describe';
import { type EnrichDeps, enrichDeployment, recordDeployment } from './enrich';
import { type CodeDeployModel, type DeploymentEnrichment, isInstance, modelsOf } from './model';
import { codeDeployInputSchema } from './schema';

function enrichDepsOf(runtime: Runtime): EnrichDeps {
  const table = runtime.config.stateTable;
  return {
    codeDeploy: codeDeployClient(),
    ecs: ecsClient(),
    log: runtime.log,
    state: table ? { dynamo: dynamoClient(), table } : undefined,
    pipelines: runtime.pipelines,
  };
}

/** A deployment's bake window (recorded whatever routing says), its own reads; CodePipeline's reads find its release. */
const reads: Describer<CodeDeployModel, DeploymentEnrichment, DeploymentEnrichment | undefined> = {
  describe: describeCodeDeploy,
  record: async (change, runtime, routed) =>
    isInstance(change) ? undefined : recordDeployment(change, enrichDepsOf(runtime), routed),
  // An instance event says all there is: no read.
  enrich: async (change, runtime, recorded) => {
    if (isInstance(change)) return { taskSets: [], problems: [] };
    return recorded ?? enrichDeployment(change, enrichDepsOf(runtime));
  },
};

const handleDeploymentEvents = eventHandler('codedeploy', codeDeployInputSchema, modelsOf, reads, {
  pipelines: pipelineReader(),
});

export const handler = withHerald('codedeploy', handleDeploymentEvents);
