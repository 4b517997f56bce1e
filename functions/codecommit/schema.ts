/**
 * CodeCommit inputs: the repository trigger (`Records[].codecommit.references[]`, several references
 * per event, no old commit id), and EventBridge `CodeCommit Repository State Change` and
 * `CodeCommit Pull Request State Change`. All three become `RepositoryChange`s.
 * Trigger: https://docs.aws.amazon.com/codecommit/latest/userguide/how-to-notify-lambda.html
 * EventBridge: https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
import * as z from 'zod/mini';
import { parseArn, principalName } from '../../shared/aws/arn';
import { booleanish, maybeString, numberish } from '../../shared/schema';

const triggerSchema = z.object({
  Records: z
    .array(
      z.object({
        awsRegion: z.string(),
        eventSource: z.literal('aws:codecommit'),
        eventName: z.string(),
        eventSourceARN: z.string(),
        eventTime: maybeString,
        eventPartNumber: z.optional(numberish),
        eventTotalParts: z.optional(numberish),
        eventTriggerName: maybeString,
        userIdentityARN: maybeString,
        customData: maybeString,
        codecommit: z.object({
          references: z.array(
            z.object({
              commit: maybeString,
              ref: z.string(),
              created: z.optional(booleanish),
              deleted: z.optional(booleanish),
            }),
          ),
        }),
      }),
    )
    .check(z.minLength(1)),
});

const envelope = {
  account: z.string(),
  region: z.string(),
  time: maybeString,
  resources: z.optional(z.array(z.string())),
};

const referenceEventSchema = z.object({
  ...envelope,
  source: z.literal('aws.codecommit'),
  'detail-type': z.literal('CodeCommit Repository State Change'),
  detail: z.object({
    event: z.enum(['referenceCreated', 'referenceUpdated', 'referenceDeleted']),
    repositoryName: z.string(),
    referenceType: maybeString,
    referenceName: z.string(),
    referenceFullName: maybeString,
    commitId: maybeString,
    oldCommitId: maybeString,
    callerUserArn: maybeString,
  }),
});

const pullRequestEventSchema = z.object({
  ...envelope,
  source: z.literal('aws.codecommit'),
  'detail-type': z.literal('CodeCommit Pull Request State Change'),
  detail: z.object({
    event: z.string(),
    pullRequestId: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
    title: maybeString,
    repositoryNames: z.array(z.string()).check(z.minLength(1)),
    sourceReference: maybeString,
    destinationReference: maybeString,
    sourceCommit: maybeString,
    destinationCommit: maybeString,
    pullRequestStatus: maybeString,
    isMerged: z.optional(booleanish),
    approvalStatus: maybeString,
    author: maybeString,
    callerUserArn: maybeString,
  }),
});

export const codeCommitInputSchema = z.union([triggerSchema, referenceEventSchema, pullRequestEventSchema]);
export type CodeCommitInput = z.infer<typeof codeCommitInputSchema>;

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

export type RepositoryChange = PushChange | TestChange | PullRequestChange;

export function referenceOf(full: string): Reference {
  if (full.startsWith('refs/heads/')) return { full, name: full.slice('refs/heads/'.length), kind: 'branch' };
  if (full.startsWith('refs/tags/')) return { full, name: full.slice('refs/tags/'.length), kind: 'tag' };
  return { full, name: full, kind: 'other' };
}

/** One change per pushed reference, per pull request event, or the trigger's test event. */
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
  if (input['detail-type'] === 'CodeCommit Repository State Change') {
    const d = input.detail;
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
