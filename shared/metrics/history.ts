/**
 * One release as the delivery figures see it: when its run started and ended, what it shipped
 * (each commit with its time), how its prod stage went (first failure, last end and outcome) and
 * its rollback (when, by whom, when prod ran a good revision again). Kept in the state table as a
 * `history#<pipeline>#<execution>` item, written fact by fact as the events come (any order, twice).
 */
import * as v from 'valibot';

export const historyCommitSchema = v.object({ id: v.string(), at: v.string() });
export type HistoryCommit = v.InferOutput<typeof historyCommitSchema>;

const outcome = v.picklist(['succeeded', 'failed', 'superseded', 'stopped']);

export const historyRecordSchema = v.object({
  pipeline: v.string(),
  executionId: v.string(),
  /** Epoch ms of the first event seen of the run (the ByTime index's time). */
  at: v.number(),
  startedAt: v.optional(v.number()),
  endedAt: v.optional(v.number()),
  outcome: v.optional(outcome),
  prodStage: v.optional(v.string()),
  prodStartedAt: v.optional(v.number()),
  /** The prod stage's last end, and how it ended then (a retried stage ends twice). */
  prodEndedAt: v.optional(v.number()),
  prodOutcome: v.optional(v.picklist(['succeeded', 'failed'])),
  /** Its first failure, kept when a retry succeeds. */
  prodFailedAt: v.optional(v.number()),
  revision: v.optional(v.string()),
  /** What the release shipped since the previous prod revision, newest first. */
  commits: v.optional(v.array(historyCommitSchema)),
  /** Every commit since the previous prod revision is listed (the walk stayed within its bound). */
  commitsComplete: v.optional(v.boolean()),
  rolledBackAt: v.optional(v.number()),
  rolledBackBy: v.optional(v.string()),
  /** The rollback's success: prod runs the previous revision again. */
  recoveredAt: v.optional(v.number()),
});
export type HistoryRecord = v.InferOutput<typeof historyRecordSchema>;

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
