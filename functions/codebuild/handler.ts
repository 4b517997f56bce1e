/**
 * CodeBuild build state changes → Slack.
 * Trigger: EventBridge `CodeBuild Build State Change` (direct, or EventBridge → SNS).
 * Event doc: https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import { findActionRun } from '../../shared/aws/action-executions';
import { codeBuildClient, codeCommitClient, logsClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/handler';
import { withHerald } from '../../shared/middleware';
import { describeBuild } from './describe';
import { enrichBuild } from './enrich';
import { modelsOf } from './model';
import { buildEventSchema } from './schema';

const handleBuildEvents = eventHandler(
  'codebuild',
  buildEventSchema,
  modelsOf,
  {
    describe: describeBuild,
    enrich: (event, { log }) =>
      enrichBuild(event, {
        codeBuild: codeBuildClient(),
        logs: logsClient(),
        codeCommit: codeCommitClient(),
        log,
      }),
  },
  // Finds the release a build or deployment of the pipeline belongs to (app mode).
  { findActionRun },
);

export const handler = withHerald('codebuild', handleBuildEvents);
