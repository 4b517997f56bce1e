/**
 * CodeBuild build state changes → Slack.
 * Trigger: EventBridge `CodeBuild Build State Change` (direct, or EventBridge → SNS).
 * Event doc: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import type { Context } from 'aws-lambda';
import { codeBuildClient, codeCommitClient, logsClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { publish } from '../../shared/publish';
import { routeNotice } from '../../shared/routing/route';
import { createRuntime, publishRejected } from '../../shared/runtime';
import { describeBuild } from './describe';
import { enrichBuild } from './enrich';
import { buildEventSchema } from './schema';

export async function handleBuildEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, buildEventSchema);
  await publishRejected('codebuild', rejected, runtime);
  for (const event of events) {
    // Routing needs only the event: a notice that goes nowhere costs no AWS reads.
    const draft = describeBuild(event, { problems: [] });
    const { channels } = routeNotice(draft, runtime.routing);
    if (channels.length === 0) {
      await publish(draft, runtime);
      continue;
    }
    // Read the webhook secrets while enrichment runs; publish awaits the same reads.
    Promise.all(channels.map(runtime.webhookFor)).catch(() => undefined);
    const enrichment = await enrichBuild(event, {
      codeBuild: codeBuildClient(),
      logs: logsClient(),
      codeCommit: codeCommitClient(),
      log: runtime.log,
    });
    await publish(describeBuild(event, enrichment), runtime);
  }
}

export const handler = withHerald('codebuild', handleBuildEvents);
