/**
 * CodeCommit pushes and pull requests → Slack.
 * Triggers: the repository trigger (Lambda invoked by CodeCommit), EventBridge
 * `CodeCommit Repository State Change` and `CodeCommit Pull Request State Change`.
 * Event docs: https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
import type { Context } from 'aws-lambda';
import { codeCommitClient } from '../../shared/aws/clients';
import { withHerald } from '../../shared/middleware';
import { parseEvents } from '../../shared/parse';
import { matchesGlob } from '../../shared/routing/route';
import type { CodeCommitFilter } from '../../shared/routing/schema';
import { createRuntime, notify, publishRejected } from '../../shared/runtime';
import { describeChange } from './describe';
import { enrichPush } from './enrich';
import { changesOf, codeCommitInputSchema, type RepositoryChange } from './schema';

/** Repositories and branches outside the routing config's `filters.codecommit` are not announced. */
export function isWatched(change: RepositoryChange, filter: CodeCommitFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.repositories && !filter.repositories.some((p) => matchesGlob(p, change.repository)))
    return false;
  const branch =
    change.type === 'push' && change.reference.kind === 'branch'
      ? change.reference.name
      : change.type === 'pullRequest'
        ? change.destination?.name
        : undefined;
  return !filter.branches || branch === undefined || filter.branches.some((p) => matchesGlob(p, branch));
}

export async function handleRepositoryEvents(input: unknown, context: Context): Promise<void> {
  const runtime = createRuntime(context);
  const { events, rejected } = parseEvents(input, codeCommitInputSchema);
  await publishRejected('codecommit', rejected, runtime);
  for (const change of events.flatMap(changesOf)) {
    if (!isWatched(change, runtime.routing.filters?.codecommit)) {
      runtime.log.info('Notice not sent', {
        source: 'codecommit',
        reason: 'repository or branch not watched',
      });
      continue;
    }
    await notify(runtime, describeChange(change), async () =>
      change.type === 'push'
        ? describeChange(
            change,
            await enrichPush(change, { codeCommit: codeCommitClient(), log: runtime.log }),
          )
        : describeChange(change),
    );
  }
}

export const handler = withHerald('codecommit', handleRepositoryEvents);
