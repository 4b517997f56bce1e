/**
 * CodePipeline runs → Slack: pipeline, stage and action state changes.
 * Triggers: EventBridge `CodePipeline … Execution State Change`; CodeStar Notifications through
 * Herald's notifications SNS topic (same messages: shared/input/parse.ts reads both forms).
 * Event doc: https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import { awsErrorName, codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { pipelineReader } from '../../shared/aws/pipelines';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { structureOf } from '../../shared/releases/pipelines';
import { describePipeline } from './describe';
import { enrichPipeline } from './enrich';
import { modelsOf } from './model';
import { pipelineInputSchema } from './schema';

const pipelines = pipelineReader();

const handlePipelineEvents = eventHandler(
  'codepipeline',
  pipelineInputSchema,
  modelsOf,
  {
    describe: describePipeline,
    // A run of a version not known yet: its structure is learnt (the card lists every stage).
    record: async (change, { pipelines, log }) => {
      if (!pipelines?.follows(change.pipeline)) return undefined;
      await structureOf(change.pipeline, pipelines, change.version).catch((error: unknown) =>
        log.warn('Pipeline structure not learnt; release cards list the stages seen so far', {
          pipeline: change.pipeline,
          error: awsErrorName(error),
        }),
      );
      return undefined;
    },
    enrich: (change, { log }) =>
      enrichPipeline(change, { codePipeline: codePipelineClient(), codeCommit: codeCommitClient(), log }),
  },
  { pipelines },
);

export const handler = withHerald('codepipeline', handlePipelineEvents);
