/**
 * CodeBuild build state changes → Slack.
 * Trigger: EventBridge `CodeBuild Build State Change` (direct, or EventBridge → SNS).
 * Event doc: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import { findActionRun } from '../../shared/aws/action-executions';
import { codeBuildClient, codeCommitClient, logsClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/handler';
import { withHerald } from '../../shared/middleware';
import type { Describer } from '../../shared/notify';
import { describeBuild } from './describe';
import { enrichBuild } from './enrich';
import type { BuildEnrichment } from './model';
import { modelsOf } from './model';
import { type BuildEvent, buildEventSchema } from './schema';

/** A build's or deployment's own reads; `findActionRun` finds its release (app mode). */
const reads: Describer<BuildEvent, BuildEnrichment> = {
  describe: describeBuild,
  enrich: (event, { log }) =>
    enrichBuild(event, {
      codeBuild: codeBuildClient(),
      logs: logsClient(),
      codeCommit: codeCommitClient(),
      log,
    }),
};

const handleBuildEvents = eventHandler('codebuild', buildEventSchema, modelsOf, reads, { findActionRun });

export const handler = withHerald('codebuild', handleBuildEvents);
