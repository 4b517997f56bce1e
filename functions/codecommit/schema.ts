/**
 * CodeCommit inputs: the repository trigger (`Records[].codecommit.references[]`, several references
 * per event, no old commit id), and EventBridge `CodeCommit Repository State Change` and
 * `CodeCommit Pull Request State Change`. model.ts turns all three into `RepositoryChange`s.
 * Trigger: https://docs.aws.amazon.com/codecommit/latest/userguide/how-to-notify-lambda.html
 * EventBridge: https://docs.aws.amazon.com/codecommit/latest/userguide/monitoring-events.html
 */
import * as z from 'zod/mini';
import { booleanish, eventBridgeEnvelope, maybeString, numberish } from '../../shared/input/schema';

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

const referenceEventSchema = z.object({
  ...eventBridgeEnvelope,
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
  ...eventBridgeEnvelope,
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

/** Comments on a pull request or a commit: known, not announced by default (`codecommit:comment.*`). */
const commentEventSchema = z.object({
  ...eventBridgeEnvelope,
  source: z.literal('aws.codecommit'),
  'detail-type': z.enum(['CodeCommit Comment on Pull Request', 'CodeCommit Comment on Commit']),
  detail: z.object({
    event: z.string(),
    repositoryName: z.string(),
    commentId: maybeString,
    pullRequestId: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
    afterCommitId: maybeString,
    callerUserArn: maybeString,
  }),
});

/** A merge commit made without a reference (the console's merge preview): known, muted by default. */
const unreferencedMergeSchema = z.object({
  ...eventBridgeEnvelope,
  source: z.literal('aws.codecommit'),
  'detail-type': z.literal('CodeCommit Repository State Change'),
  detail: z.object({
    event: z.literal('unreferencedMergeCommitCreated'),
    repositoryName: z.string(),
    commitId: maybeString,
    callerUserArn: maybeString,
  }),
});

export const codeCommitInputSchema = z.union([
  triggerSchema,
  referenceEventSchema,
  pullRequestEventSchema,
  commentEventSchema,
  unreferencedMergeSchema,
]);
export type CodeCommitInput = z.infer<typeof codeCommitInputSchema>;
