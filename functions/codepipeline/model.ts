/**
 * What the codepipeline describer reads: pipeline, stage and action events as one
 * `PipelineChange`, and what enrichment found.
 */
import { parseArn } from '../../shared/aws/arn';
import type { Revision } from '../../shared/aws/revisions';
import type { PipelineInput } from './schema';

export interface PipelineChange {
  level: 'pipeline' | 'stage' | 'action';
  pipeline: string;
  executionId: string;
  state: string;
  /** The pipeline's version the run uses (its structure is learnt at this version). */
  version?: number;
  region: string;
  account: string;
  time?: string;
  stage?: string;
  action?: string;
  category?: string;
  provider?: string;
  trigger?: { type?: string; detail?: string };
  failedActions: Array<{ action?: string; information?: string }>;
  failedStage?: string;
  result?: { url?: string; summary?: string; externalId?: string; errorCode?: string };
}

/** The region of an event: its own, its detail's, or its pipeline ARN's (either ARN form). */
function regionOf(input: PipelineInput): string {
  return input.region ?? input.detail.region ?? parseArn(input.resources?.[0])?.region ?? 'us-east-1';
}

function changeOf(input: PipelineInput): PipelineChange {
  const d = input.detail;
  const base = {
    pipeline: d.pipeline,
    executionId: d['execution-id'],
    state: d.state,
    version: typeof d.version === 'number' ? d.version : undefined,
    region: regionOf(input),
    account: input.account,
    time: input.time,
    failedActions: [],
  };
  switch (input['detail-type']) {
    case 'CodePipeline Pipeline Execution State Change': {
      const p = input.detail;
      return {
        ...base,
        level: 'pipeline',
        trigger: p['execution-trigger']
          ? { type: p['execution-trigger']['trigger-type'], detail: p['execution-trigger']['trigger-detail'] }
          : undefined,
        failedActions: (p.failedActions ?? []).map((f) => ({
          action: f.action,
          information: f.additionalInformation,
        })),
        failedStage: p.failedStage,
      };
    }
    case 'CodePipeline Stage Execution State Change':
      return { ...base, level: 'stage', stage: input.detail.stage };
    case 'CodePipeline Action Execution State Change': {
      const a = input.detail;
      const r = a['execution-result'];
      return {
        ...base,
        level: 'action',
        stage: a.stage,
        action: a.action,
        category: a.type?.category,
        provider: a.type?.provider,
        result: r
          ? {
              url: r['external-execution-url'],
              summary: r['external-execution-summary'],
              externalId: r['external-execution-id'],
              errorCode: r['error-code'],
            }
          : undefined,
      };
    }
    default: {
      const unknown: never = input;
      throw new Error(`unknown pipeline event ${JSON.stringify(unknown)}`);
    }
  }
}

export function modelsOf(input: PipelineInput): PipelineChange[] {
  return [changeOf(input)];
}

export interface FailedAction {
  stage?: string;
  action?: string;
  provider?: string;
  errorCode?: string;
  errorMessage?: string;
  summary?: string;
  externalId?: string;
  url?: string;
}

export interface PipelineEnrichment {
  revisions: Revision[];
  /** The head commit's author (CodeCommit sources), for the release card. */
  author?: string;
  /** A manual approval's decision: who took it, and what they said. */
  decision?: { by?: string; comment?: string };
  trigger?: { type?: string; detail?: string };
  statusSummary?: string;
  failedAction?: FailedAction;
  startTime?: string;
  endTime?: string;
  problems: string[];
}

export function emptyPipelineEnrichment(): PipelineEnrichment {
  return { revisions: [], problems: [] };
}
