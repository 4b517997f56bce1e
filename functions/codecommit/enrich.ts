/**
 * What a push contained: the commits of the pushed range and the files they changed.
 *
 * The range is walked along first parents from the new head, one GetCommit per commit, up to a
 * bound. With the old head known (EventBridge), the walk stops there; meeting the root of the
 * history instead means the old head is not an ancestor: a force push. The repository trigger does
 * not say where the branch was, so for it Herald shows the head's latest first-parent commits
 * (TRIGGER_COMMITS of them, labelled as such) and the files of the head commit. Changed files come
 * from GetDifferences, paginated up to MAX_FILE_PAGES. A branch that was deleted costs no read.
 * Any failed read degrades the message to what the event says.
 */
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import {
  GetCommitCommand,
  type GetCommitCommandOutput,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';
import { awsErrorName } from '../../shared/aws/clients';
import type { Log } from '../../shared/lambda/logger';
import {
  emptyPush,
  type FileChangeType,
  MAX_COMMITS,
  MAX_FILE_PAGES,
  type PushChange,
  type PushEnrichment,
  TRIGGER_COMMITS,
} from './model';

const FILES_PER_PAGE = 100;
const CHANGE_TYPES: Record<string, FileChangeType> = { A: 'added', M: 'modified', D: 'deleted' };

export interface EnrichDeps {
  codeCommit: Pick<CodeCommitClient, 'send'>;
  log: Log;
}

export async function enrichPush(change: PushChange, deps: EnrichDeps): Promise<PushEnrichment> {
  const result = emptyPush();
  const head = change.newCommit;
  if (change.change === 'deleted' || !head) return result;

  const fail = (what: string) => (error: unknown) => {
    result.problems.push(`${what} (${awsErrorName(error)})`);
    deps.log.warn(`Reading ${what} failed; the message will say less`, { error: awsErrorName(error) });
  };

  const bound = change.change === 'created' ? 1 : change.oldCommit ? MAX_COMMITS : TRIGGER_COMMITS;
  const walk = walkCommits(change.repository, head, change.oldCommit, bound, deps, result).catch(
    fail('commits'),
  );
  // With the old head known, the diff can start at once; the trigger's diff needs the head's parent.
  const files = change.oldCommit
    ? readDifferences(change.repository, change.oldCommit, head, deps, result).catch(fail('changed files'))
    : walk.then(() => {
        const parent = change.change === 'updated' ? result.commits[0]?.parents[0] : undefined;
        return parent
          ? readDifferences(change.repository, parent, head, deps, result).catch(fail('changed files'))
          : undefined;
      });
  await Promise.all([walk, files]);
  result.problems.sort();
  return result;
}

async function walkCommits(
  repository: string,
  head: string,
  oldHead: string | undefined,
  bound: number,
  deps: EnrichDeps,
  result: PushEnrichment,
): Promise<void> {
  let next: string | undefined = head;
  while (next && next !== oldHead && result.commits.length < bound) {
    const response: GetCommitCommandOutput = await deps.codeCommit.send(
      new GetCommitCommand({ repositoryName: repository, commitId: next }),
    );
    const commit = response.commit;
    const parents: string[] = commit?.parents ?? [];
    result.commits.push({
      id: commit?.commitId ?? next,
      message: commit?.message ?? '',
      author: commit?.author?.name,
      parents,
    });
    next = parents[0];
    if (!next && oldHead) result.forced = true;
  }
  result.rangeComplete = oldHead !== undefined && next === oldHead;
}

async function readDifferences(
  repository: string,
  before: string,
  after: string,
  deps: EnrichDeps,
  result: PushEnrichment,
): Promise<void> {
  let token: string | undefined;
  for (let page = 0; page < MAX_FILE_PAGES; page++) {
    const response = await deps.codeCommit.send(
      new GetDifferencesCommand({
        repositoryName: repository,
        beforeCommitSpecifier: before,
        afterCommitSpecifier: after,
        MaxResults: FILES_PER_PAGE,
        NextToken: token,
      }),
    );
    for (const difference of response.differences ?? []) {
      const path = difference.afterBlob?.path ?? difference.beforeBlob?.path;
      const change = CHANGE_TYPES[difference.changeType ?? ''];
      if (path && change) result.files.push({ path, change });
    }
    token = response.NextToken;
    if (!token) return;
  }
  result.filesComplete = false;
}
