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
import { environmentOf } from '../../shared/routing/route';
import { describePipeline } from './describe';
import { enrichPipeline } from './enrich';
import { modelsOf } from './model';
import { isProdStage, recordProdOutcome, recordRunFact, runFactOf } from './prod';
import { pipelineInputSchema } from './schema';

const pipelines = pipelineReader();

const handlePipelineEvents = eventHandler(
  'codepipeline',
  pipelineInputSchema,
  modelsOf,
  {
    describe: describePipeline,
    // A run of a version not known yet: its structure is learnt (the card lists every stage).
    record: async (change, { pipelines, log, routing }) => {
      if (!pipelines?.follows(change.pipeline)) return undefined;
      const structure = await structureOf(change.pipeline, pipelines, change.version).catch(
        (error: unknown) => {
          log.warn('Pipeline structure not learnt; release cards list the stages seen so far', {
            pipeline: change.pipeline,
            error: awsErrorName(error),
          });
          return undefined;
        },
      );
      const prod =
        change.level === 'stage' &&
        isProdStage(structure, change.stage, (group) => environmentOf(group, routing));
      // The run's start and end, its prod stage's start: the release history (delivery figures).
      const fact = runFactOf(change, prod);
      if (fact)
        await recordRunFact(change, fact, pipelines).catch((error: unknown) =>
          log.warn('Release history not recorded; the delivery figures will miss it', {
            fact: fact.kind,
            error: awsErrorName(error),
          }),
        );
      // A prod stage's outcome: what runs in prod now, or its last failure (for later approvals),
      // and in the history what the release shipped.
      const ended = change.state === 'SUCCEEDED' || change.state === 'FAILED';
      if (prod && ended)
        await recordProdOutcome(change, structure, {
          ...pipelines,
          codePipeline: codePipelineClient(),
          codeCommit: codeCommitClient(),
        }).catch((error: unknown) =>
          log.warn("Prod's outcome not recorded; the next approval reads CodePipeline's history", {
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
