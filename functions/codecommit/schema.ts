/**
 * CodeCommit inputs: the repository trigger (`Records[].codecommit.references[]`, several references
 * per event, no old commit id), and EventBridge `CodeCommit Repository State Change` and
 * `CodeCommit Pull Request State Change`. model.ts turns all three into `RepositoryChange`s.
 * Trigger: https://docs.aws.amazon.com/codecommit/latest/userguide/how-to-notify-lambda.html
 * EventBridge: https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
import * as v from 'valibot';
import { booleanish, eventBridgeEnvelope, maybeString, numberish } from '../../shared/input/schema';

const triggerSchema = v.object({
  Records: v.pipe(
    v.array(
      v.object({
        awsRegion: v.string(),
        eventSource: v.literal('aws:codecommit'),
        eventName: v.string(),
        eventSourceARN: v.string(),
        eventTime: maybeString,
        eventPartNumber: v.optional(numberish),
        eventTotalParts: v.optional(numberish),
        eventTriggerName: maybeString,
        userIdentityARN: maybeString,
        customData: maybeString,
        codecommit: v.object({
          references: v.array(
            v.object({
              commit: maybeString,
              ref: v.string(),
              created: v.optional(booleanish),
              deleted: v.optional(booleanish),
            }),
          ),
        }),
      }),
    ),
    v.minLength(1),
  ),
});

const referenceEventSchema = v.object({
  ...eventBridgeEnvelope,
  source: v.literal('aws.codecommit'),
  'detail-type': v.literal('CodeCommit Repository State Change'),
  detail: v.object({
    event: v.picklist(['referenceCreated', 'referenceUpdated', 'referenceDeleted']),
    repositoryName: v.string(),
    referenceType: maybeString,
    referenceName: v.string(),
    referenceFullName: maybeString,
    commitId: maybeString,
    oldCommitId: maybeString,
    callerUserArn: maybeString,
  }),
});

const pullRequestEventSchema = v.object({
  ...eventBridgeEnvelope,
  source: v.literal('aws.codecommit'),
  'detail-type': v.literal('CodeCommit Pull Request State Change'),
  detail: v.object({
    event: v.string(),
    pullRequestId: v.pipe(v.union([v.string(), v.number()]), v.transform(String)),
    title: maybeString,
    repositoryNames: v.pipe(v.array(v.string()), v.minLength(1)),
    sourceReference: maybeString,
    destinationReference: maybeString,
    sourceCommit: maybeString,
    destinationCommit: maybeString,
    pullRequestStatus: maybeString,
    isMerged: v.optional(booleanish),
    approvalStatus: maybeString,
    author: maybeString,
    callerUserArn: maybeString,
  }),
});

/** Comments on a pull request or a commit: known, not announced by default (`codecommit:comment.*`). */
const commentEventSchema = v.object({
  ...eventBridgeEnvelope,
  source: v.literal('aws.codecommit'),
  'detail-type': v.picklist(['CodeCommit Comment on Pull Request', 'CodeCommit Comment on Commit']),
  detail: v.object({
    event: v.string(),
    repositoryName: v.string(),
    commentId: maybeString,
    pullRequestId: v.optional(v.pipe(v.union([v.string(), v.number()]), v.transform(String))),
    afterCommitId: maybeString,
    callerUserArn: maybeString,
  }),
});

/** A merge commit made without a reference (the console's merge preview): known, muted by default. */
const unreferencedMergeSchema = v.object({
  ...eventBridgeEnvelope,
  source: v.literal('aws.codecommit'),
  'detail-type': v.literal('CodeCommit Repository State Change'),
  detail: v.object({
    event: v.literal('unreferencedMergeCommitCreated'),
    repositoryName: v.string(),
    commitId: maybeString,
    callerUserArn: maybeString,
  }),
});

export const codeCommitInputSchema = v.union([
  triggerSchema,
  referenceEventSchema,
  pullRequestEventSchema,
  commentEventSchema,
  unreferencedMergeSchema,
]);
export type CodeCommitInput = v.InferOutput<typeof codeCommitInputSchema>;
