/**
 * What a notice says about the release (the pipeline execution) it belongs to, set by the
 * describers and read by the release card (shared/releases/).
 */
import type { Choice, Notice } from '../notice';

/** Where a stage of a release stands. */
export type StepState = 'running' | 'waiting' | 'succeeded' | 'failed' | 'stopped' | 'superseded';

/**
 * What a notice says about the release (the pipeline execution) it belongs to: how to find the
 * release, and what it changes on the release card. Describers set it; delivery uses it in app mode.
 */
export interface ReleaseStep {
  pipeline?: string;
  executionId?: string;
  /** Ids by which the release is found when the event does not name it. */
  via?: { buildId?: string; deploymentId?: string; taskDefinition?: string; commitId?: string };
  /** `pipeline`: the run as a whole; `stage`: one of its stages; `detail`: news for the thread only. */
  level: 'pipeline' | 'stage' | 'detail';
  stage?: string;
  state?: StepState;
  /** ISO time of the event. */
  at?: string;
  startedAt?: string;
  region?: string;
  /** `Build #43`, `d-7X2…`: what the stage line names. */
  label?: string;
  url?: string;
  /** `traffic shifted 14:02, original kept until 17:02`. */
  note?: string;
  /** How specific the source is: a build's own event says more about the Build stage than the pipeline's. */
  priority: number;
  /** The commit the release ships (pipeline events know it after enrichment). */
  commit?: { id: string; message?: string; author?: string; url?: string };
  /** Buttons the card shows for this stage while it runs (Roll back / Finish now in a bake window). */
  offer?: { choices: Choice[]; comment?: Notice['comment'] };
  /** A decision was made on the offer: the card shows it no more. */
  closeOffer?: boolean;
}
