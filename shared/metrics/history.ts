/**
 * One release as the delivery figures see it: when its run started and ended, what it shipped
 * (each commit with its time), how its prod stage went (first failure, last end and outcome) and
 * its rollback (when, by whom, when prod ran a good revision again). Kept in the state table as a
 * `history#<pipeline>#<execution>` item, written fact by fact as the events come (any order, twice).
 */
import * as z from 'zod/mini';

export const historyCommitSchema = z.object({ id: z.string(), at: z.string() });
export type HistoryCommit = z.infer<typeof historyCommitSchema>;

const outcome = z.enum(['succeeded', 'failed', 'superseded', 'stopped']);

export const historyRecordSchema = z.object({
  pipeline: z.string(),
  executionId: z.string(),
  /** Epoch ms of the first event seen of the run (the ByTime index's time). */
  at: z.number(),
  startedAt: z.optional(z.number()),
  endedAt: z.optional(z.number()),
  outcome: z.optional(outcome),
  prodStage: z.optional(z.string()),
  prodStartedAt: z.optional(z.number()),
  /** The prod stage's last end, and how it ended then (a retried stage ends twice). */
  prodEndedAt: z.optional(z.number()),
  prodOutcome: z.optional(z.enum(['succeeded', 'failed'])),
  /** Its first failure, kept when a retry succeeds. */
  prodFailedAt: z.optional(z.number()),
  revision: z.optional(z.string()),
  /** What the release shipped since the previous prod revision, newest first. */
  commits: z.optional(z.array(historyCommitSchema)),
  /** Every commit since the previous prod revision is listed (the walk stayed within its bound). */
  commitsComplete: z.optional(z.boolean()),
  rolledBackAt: z.optional(z.number()),
  rolledBackBy: z.optional(z.string()),
  /** The rollback's success: prod runs the previous revision again. */
  recoveredAt: z.optional(z.number()),
});
export type HistoryRecord = z.infer<typeof historyRecordSchema>;

/** A fact about a run, as the events tell it. */
export type HistoryFact =
  | { kind: 'started'; at: number }
  | { kind: 'ended'; at: number; outcome: 'succeeded' | 'failed' | 'superseded' | 'stopped' }
  | { kind: 'prod-started'; at: number; stage: string }
  | {
      kind: 'prod-ended';
      at: number;
      stage: string;
      outcome: 'succeeded' | 'failed';
      revision?: string;
      commits?: HistoryCommit[];
      commitsComplete?: boolean;
    }
  | { kind: 'rolled-back'; at: number; by?: string }
  | { kind: 'recovered'; at: number };
