/**
 * CodePipeline runs → Slack: pipeline, stage and action state changes.
 * Triggers: EventBridge `CodePipeline … Execution State Change`; CodeStar Notifications through
 * Herald's notifications SNS topic (same messages: shared/parse.ts reads both forms).
 * Event doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import type { Context } from 'aws-lambda';
import { codePipelineClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { createRuntime, notify, publishRejected } from '../../shared/runtime';
import { describePipeline } from './describe';
import { emptyEnrichment, enrichPipeline } from './enrich';
import { changeOf, pipelineInputSchema } from './schema';

export async function handlePipelineEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, pipelineInputSchema);
  await publishRejected('codepipeline', rejected, runtime);
  for (const change of events.map(changeOf)) {
    await notify(runtime, describePipeline(change, emptyEnrichment()), async () =>
      describePipeline(
        change,
        await enrichPipeline(change, { codePipeline: codePipelineClient(), log: runtime.log }),
      ),
    );
  }
}

export const handler = withHerald('codepipeline', handlePipelineEvents);
