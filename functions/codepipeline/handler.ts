/**
 * CodePipeline runs → Slack: pipeline, stage and action state changes.
 * Triggers: EventBridge `CodePipeline … Execution State Change`; CodeStar Notifications through
 * Herald's notifications SNS topic (same messages: shared/input/parse.ts reads both forms).
 * Event doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import { codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { pipelineReader } from '../../shared/aws/pipelines';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { describePipeline } from './describe';
import { enrichPipeline } from './enrich';
import { modelsOf } from './model';
import { recordRun } from './prod';
import { pipelineInputSchema } from './schema';

const pipelines = pipelineReader();

const handlePipelineEvents = eventHandler(
  'codepipeline',
  pipelineInputSchema,
  modelsOf,
  {
    describe: describePipeline,
    // A run of a version not known yet: its structure is learnt (the card lists every stage);
    // the release history. Whatever routing says, alongside the message, which waits for neither.
    alongside: (change, runtime) => recordRun(change, runtime),
    enrich: (change, { log }) =>
      enrichPipeline(change, { codePipeline: codePipelineClient(), codeCommit: codeCommitClient(), log }),
  },
  { pipelines },
);

export const handler = withHerald('codepipeline', handlePipelineEvents);
