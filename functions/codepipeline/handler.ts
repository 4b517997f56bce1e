/**
 * CodePipeline runs → Slack: pipeline, stage and action state changes.
 * Triggers: EventBridge `CodePipeline … Execution State Change`; CodeStar Notifications through
 * Herald's notifications SNS topic (same messages: shared/input/parse.ts reads both forms).
 * Event doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import { codePipelineClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { describePipeline } from './describe';
import { enrichPipeline } from './enrich';
import { modelsOf } from './model';
import { pipelineInputSchema } from './schema';

const handlePipelineEvents = eventHandler('codepipeline', pipelineInputSchema, modelsOf, {
  describe: describePipeline,
  enrich: (change, { log }) => enrichPipeline(change, { codePipeline: codePipelineClient(), log }),
});

export const handler = withHerald('codepipeline', handlePipelineEvents);
