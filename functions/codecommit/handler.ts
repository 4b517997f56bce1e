/**
 * CodeCommit pushes and pull requests → Slack.
 * Triggers: the repository trigger (Lambda invoked by CodeCommit), EventBridge
 * `CodeCommit Repository State Change` and `CodeCommit Pull Request State Change`.
 * Event docs: https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
import { codeCommitClient } from '../../shared/aws/clients';
import { eventHandler } from '../../shared/flow/handler';
import { withHerald } from '../../shared/lambda/middleware';
import { describeChange } from './describe';
import { enrichPush } from './enrich';
import { modelsOf } from './model';
import { codeCommitInputSchema } from './schema';

const handleRepositoryEvents = eventHandler('codecommit', codeCommitInputSchema, modelsOf, {
  describe: describeChange,
  // Only a push has more to read than its event says.
  enrich: async (change, { log }) =>
    change.type === 'push' ? enrichPush(change, { codeCommit: codeCommitClient(), log }) : undefined,
});

export const handler = withHerald('codecommit', handleRepositoryEvents);
