/**
 * CodeBuild build state changes → Slack.
 * Trigger: EventBridge `CodeBuild Build State Change` (direct, or EventBridge → SNS).
 * Event doc: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */

import { codeBuildClient, codeCommitClient, logsClient } from '../../shared/aws/clients';
import { pipelineReader } from '../../shared/aws/pipelines';
import { eventHandler } from '../../shared/flow/handler';
import type { Describer } from '../../shared/flow/notify';
import { withHerald } from '../../shared/lambda/middleware';
import { describeCodeBuild } from './describe';
import { enrichBuild } from './enrich';
import { type BuildEnrichment, type BuildModel, isPhase, modelsOf } from './model';
import { codeBuildInputSchema } from './schema';

/** A build's or deployment's own reads; CodePipeline's reads find its release (app mode). */
const reads: Describer<BuildModel, BuildEnrichment> = {
  describe: describeCodeBuild,
  // A phase change says all there is: no read.
  enrich: async (event, { log }) =>
    isPhase(event)
      ? { problems: [] }
      : enrichBuild(event, {
          codeBuild: codeBuildClient(),
          logs: logsClient(),
          codeCommit: codeCommitClient(),
          log,
        }),
};

const handleBuildEvents = eventHandler('codebuild', codeBuildInputSchema, modelsOf, reads, {
  pipelines: pipelineReader(),
});

export const handler = withHerald('codebuild', handleBuildEvents);
