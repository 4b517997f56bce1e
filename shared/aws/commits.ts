/**
 * What a release ships, read from CodeCommit, which has no log call: the candidate's ancestors are
 * walked with BatchGetCommits (up to 100 ids a call, merges followed) until prod's revision, within
 * a bound (commits and time), and the files changed between the two are counted with
 * GetDifferences (paginated, bounded). Only the functions that show what ships import this.
 * https://docs.aws.amazon.com/codecommit/latest/APIReference/API_BatchGetCommits.html
 */
import {
  BatchGetCommitsCommand,
  type CodeCommitClient,
  GetDifferencesCommand,
} from '@aws-sdk/client-codecommit';

export interface ShippedCommit {
  id: string;
  /** The first line of its message. */
  title: string;
  author?: string;
  email?: string;
  /** ISO time the author made it. */
  at?: string;
  /** A merge (more than one parent). */
  merge: boolean;
}

export interface Walk {
  /** Newest first. */
  commits: ShippedCommit[];
  /** The walk reached `base` (or the root): every commit between is listed. */
  complete: boolean;
  /** Why it stopped short, when it did. */
  stoppedBy?: 'commits' | 'time';
}

export interface WalkOptions {
  maxCommits: number;
  /** Epoch ms by which the walk stops, complete or not. */
  until: number;
}

/** `1795182000 +0000` (CodeCommit's author date) as ISO; undefined when unreadable. */
function dateOf(value: string | undefined): string | undefined {
  const seconds = Number(value?.trim().split(/\s+/)[0]);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000).toISOString() : undefined;
}

/**
 * The commits reachable from `head` and not from `base` (as far as the walk sees: a side branch
 * merged in that starts before `base` is walked until the bound). `base` undefined: the whole
 * history, bounded.
 */
export async function walkCommits(
  codeCommit: Pick<CodeCommitClient, 'send'>,
  repository: string,
  head: string,
  base: string | undefined,
  options: WalkOptions,
): Promise<Walk> {
  const seen = new Set<string>(base ? [base] : []);
  const found: Array<ShippedCommit & { order: number }> = [];
  let frontier = head === base ? [] : [head];
  seen.add(head);
  let order = 0;
  while (frontier.length > 0) {
    if (found.length >= options.maxCommits) return finish('commits');
    if (Date.now() >= options.until) return finish('time');
    const asked = frontier.slice(0, Math.min(100, options.maxCommits - found.length));
    frontier = frontier.slice(asked.length);
    const { commits = [] } = await codeCommit.send(
      new BatchGetCommitsCommand({ repositoryName: repository, commitIds: asked }),
    );
    for (const commit of commits) {
      if (!commit.commitId) continue;
      const parents = commit.parents ?? [];
      found.push({
        id: commit.commitId,
        title: (commit.message ?? '').split(/\r?\n/, 1)[0]?.trim() ?? '',
        author: commit.author?.name,
        email: commit.author?.email,
        at: dateOf(commit.author?.date),
        merge: parents.length > 1,
        order: order++,
      });
      for (const parent of parents) {
        if (seen.has(parent)) continue;
        seen.add(parent);
        frontier.push(parent);
      }
    }
  }
  return finish(undefined);

  function finish(stoppedBy: Walk['stoppedBy']): Walk {
    // Newest first: by author time where known, else in the order the walk met them.
    const commits = [...found]
      .sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '') || a.order - b.order)
      .map(({ order: _order, ...commit }) => commit);
    return stoppedBy ? { commits, complete: false, stoppedBy } : { commits, complete: true };
  }
}

export interface Differences {
  /** Paths changed between the two revisions (as far as counted). */
  paths: string[];
  /** More differences than were counted. */
  more: boolean;
}

/** The files changed between `before` and `after` (GetDifferences, at most `maxPages` pages). */
export async function changedFiles(
  codeCommit: Pick<CodeCommitClient, 'send'>,
  repository: string,
  before: string,
  after: string,
  maxPages = 5,
): Promise<Differences> {
  const paths: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const answer = await codeCommit.send(
      new GetDifferencesCommand({
        repositoryName: repository,
        beforeCommitSpecifier: before,
        afterCommitSpecifier: after,
        NextToken: nextToken,
      }),
    );
    for (const difference of answer.differences ?? []) {
      const path = difference.afterBlob?.path ?? difference.beforeBlob?.path;
      if (path) paths.push(path);
    }
    nextToken = answer.NextToken;
    if (!nextToken) return { paths, more: false };
  }
  return { paths, more: true };
}
