/**
 * CodeBuild build state changes → Slack.
 * Trigger: EventBridge `CodeBuild Build State Change` (direct, or EventBridge → SNS).
 * Event doc: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import type { Context } from 'aws-lambda';
import { codeBuildClient, codeCommitClient, logsClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { createRuntime, notify, publishRejected } from '../../shared/runtime';
import { describeBuild } from './describe';
import { enrichBuild } from './enrich';
import { buildEventSchema } from './schema';

export async function handleBuildEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, buildEventSchema);
  await publishRejected('codebuild', rejected, runtime);
  for (const event of events) {
    await notify(runtime, describeBuild(event, { problems: [] }), async () => {
      const enrichment = await enrichBuild(event, {
        codeBuild: codeBuildClient(),
        logs: logsClient(),
        codeCommit: codeCommitClient(),
        log: runtime.log,
      });
      return describeBuild(event, enrichment);
    });
  }
}

export const handler = withHerald('codebuild', handleBuildEvents);
