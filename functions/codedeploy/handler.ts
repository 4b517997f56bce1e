/**
 * CodeDeploy blue/green deployments → Slack.
 * Triggers: EventBridge `CodeDeploy Deployment State-change Notification`; a deployment group's
 * SNS trigger (its message is JSON with JSON strings inside).
 * Event docs: https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-cloudwatch-events.html
 */
import type { Context } from 'aws-lambda';
import { codeDeployClient, ecsClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { environmentOf } from '../../shared/routing/route';
import { createRuntime, notify, publishRejected } from '../../shared/runtime';
import { describeDeployment } from './describe';
import { enrichDeployment } from './enrich';
import { changeOf, codeDeployInputSchema } from './schema';

export async function handleDeploymentEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, codeDeployInputSchema);
  await publishRejected('codedeploy', rejected, runtime);
  for (const change of events.map(changeOf)) {
    const environment = environmentOf(change.deploymentGroup, runtime.routing);
    await notify(
      runtime,
      describeDeployment(change, { taskSets: [], problems: [] }, environment),
      async () => {
        const enrichment = await enrichDeployment(change, {
          codeDeploy: codeDeployClient(),
          ecs: ecsClient(),
          log: runtime.log,
        });
        return describeDeployment(change, enrichment, environment);
      },
    );
  }
}

export const handler = withHerald('codedeploy', handleDeploymentEvents);
