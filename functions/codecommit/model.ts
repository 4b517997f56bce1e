/**
 * What the codecommit describer reads: each CodeCommit input as `RepositoryChange`s (one per pushed
 * reference, per pull request event, or the trigger's test), whether the routing config watches
 * it, and what a push contained.
 */
import { parseArn, principalName } from '../../shared/aws/arn';
import type { Quiet } from '../../shared/notice/quiet';
import { matchesGlob } from '../../shared/routing/route';
import type { CodeCommitFilter, RoutingConfig } from '../../shared/routing/schema';
import type { CodeCommitInput } from './schema';

export interface Reference {
  full: string;
  name: string;
  kind: 'branch' | 'tag' | 'other';
}

export interface PushChange {
  type: 'push';
  repository: string;
  account: string;
  region: string;
  reference: Reference;
  change: 'created' | 'updated' | 'deleted';
  newCommit?: string;
  /** Known for EventBridge events; the trigger does not say where the branch was before. */
  oldCommit?: string;
  pusher?: string;
  time?: string;
  origin: 'trigger' | 'eventbridge';
  customData?: string;
  triggerName?: string;
}

export interface TestChange {
  type: 'test';
  repository: string;
  account: string;
  region: string;
  triggerName?: string;
  customData?: string;
  time?: string;
}

export interface PullRequestChange {
  type: 'pullRequest';
  event: string;
  id: string;
  title?: string;
  repository: string;
  account: string;
  region: string;
  source?: Reference;
  destination?: Reference;
  sourceCommit?: string;
  status?: string;
  merged: boolean;
  approvalStatus?: string;
  author?: string;
  actor?: string;
  time?: string;
}

/** Known, not announced by default: comments, merge commits made without a reference. */
export interface OtherChange {
  type: 'other';
  kind: 'comment.pull-request' | 'comment.commit' | 'merge-commit.created';
  repository: string;
  account: string;
  region: string;
  pullRequestId?: string;
  commitId?: string;
  actor?: string;
  time?: string;
}

export type RepositoryChange = PushChange | TestChange | PullRequestChange | OtherChange;

function referenceOf(full: string): Reference {
  if (full.startsWith('refs/heads/')) return { full, name: full.slice('refs/heads/'.length), kind: 'branch' };
  if (full.startsWith('refs/tags/')) return { full, name: full.slice('refs/tags/'.length), kind: 'tag' };
  return { full, name: full, kind: 'other' };
}

/** One change per pushed reference, per pull request event, or the trigger's test event. */
/** What every EventBridge change of a repository says: where, who, when. */
function common(
  input: { account: string; region: string; time?: string },
  detail: { repositoryName: string; callerUserArn?: string },
) {
  return {
    repository: detail.repositoryName,
    account: input.account,
    region: input.region,
    actor: principalName(detail.callerUserArn),
    time: input.time,
  };
}

export function changesOf(input: CodeCommitInput): RepositoryChange[] {
  if ('Records' in input) {
    return input.Records.flatMap((record): RepositoryChange[] => {
      const arn = parseArn(record.eventSourceARN);
      const repository = arn?.resource ?? record.eventSourceARN;
      const common = {
        repository,
        account: arn?.account ?? '',
        region: record.awsRegion,
        time: record.eventTime,
        customData: record.customData,
        triggerName: record.eventTriggerName,
      };
      if (record.eventName === 'TriggerEventTest') return [{ type: 'test', ...common }];
      return record.codecommit.references.map(
        (ref): PushChange => ({
          type: 'push',
          ...common,
          reference: referenceOf(ref.ref),
          change: ref.deleted ? 'deleted' : ref.created ? 'created' : 'updated',
          newCommit: ref.deleted ? undefined : ref.commit,
          oldCommit: ref.deleted ? ref.commit : undefined,
          pusher: principalName(record.userIdentityARN),
          origin: 'trigger',
        }),
      );
    });
  }
  if (
    input['detail-type'] === 'CodeCommit Comment on Pull Request' ||
    input['detail-type'] === 'CodeCommit Comment on Commit'
  ) {
    const d = input.detail;
    const on = input['detail-type'] === 'CodeCommit Comment on Pull Request' ? 'pull-request' : 'commit';
    return [
      {
        type: 'other',
        kind: `comment.${on}`,
        ...common(input, d),
        pullRequestId: d.pullRequestId,
        commitId: d.afterCommitId,
      },
    ];
  }
  if (input['detail-type'] === 'CodeCommit Repository State Change') {
    const d = input.detail;
    if (d.event === 'unreferencedMergeCommitCreated') {
      return [{ type: 'other', kind: 'merge-commit.created', ...common(input, d), commitId: d.commitId }];
    }
    const full =
      d.referenceFullName ??
      (d.referenceType === 'tag' ? `refs/tags/${d.referenceName}` : `refs/heads/${d.referenceName}`);
    const change =
      d.event === 'referenceCreated' ? 'created' : d.event === 'referenceDeleted' ? 'deleted' : 'updated';
    return [
      {
        type: 'push',
        repository: d.repositoryName,
        account: input.account,
        region: input.region,
        reference: referenceOf(full),
        change,
        newCommit: change === 'deleted' ? undefined : d.commitId,
        oldCommit: d.oldCommitId,
        pusher: principalName(d.callerUserArn),
        time: input.time,
        origin: 'eventbridge',
      },
    ];
  }
  if (input['detail-type'] !== 'CodeCommit Pull Request State Change') return [];
  const d = input.detail;
  return [
    {
      type: 'pullRequest',
      event: d.event,
      id: d.pullRequestId,
      title: d.title,
      repository: d.repositoryNames[0] ?? 'unknown',
      account: input.account,
      region: input.region,
      source: d.sourceReference ? referenceOf(d.sourceReference) : undefined,
      destination: d.destinationReference ? referenceOf(d.destinationReference) : undefined,
      sourceCommit: d.sourceCommit,
      status: d.pullRequestStatus,
      merged: d.isMerged ?? false,
      approvalStatus: d.approvalStatus,
      author: principalName(d.author),
      actor: principalName(d.callerUserArn),
      time: input.time,
    },
  ];
}

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

export function modelsOf(input: CodeCommitInput, routing: RoutingConfig): Array<RepositoryChange | Quiet> {
  return changesOf(input).map((change) =>
    isWatched(change, routing.filters?.codecommit) ? change : { quiet: 'repository or branch not watched' },
  );
}

export const MAX_COMMITS = 25;
export const TRIGGER_COMMITS = 10;
export const MAX_FILE_PAGES = 10;

interface CommitInfo {
  id: string;
  message: string;
  author?: string;
  parents: string[];
}

export type FileChangeType = 'added' | 'modified' | 'deleted';

interface FileChange {
  path: string;
  change: FileChangeType;
}

export interface PushEnrichment {
  /** Newest first. */
  commits: CommitInfo[];
  /** The walk met the old head: `commits` is the whole pushed range. */
  rangeComplete: boolean;
  /** The walk met the root of the history before the old head: history was rewritten. */
  forced: boolean;
  files: FileChange[];
  /** False when the file list was cut at MAX_FILE_PAGES pages. */
  filesComplete: boolean;
  problems: string[];
}

export function emptyPush(): PushEnrichment {
  return { commits: [], rangeComplete: false, forced: false, files: [], filesComplete: true, problems: [] };
}
