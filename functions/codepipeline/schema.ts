/**
 * EventBridge `CodePipeline Pipeline Execution State Change`, `Stage Execution State Change` and
 * `Action Execution State Change` (the CodeStar Notifications form is made to look the same by
 * shared/parse.ts). Real events drift: `version` is an int, a float or a string; some stage events
 * lack `stage`, some events `region`; `failedActionCount` may disagree with `failedActions`;
 * `external-execution-summary` may be a JSON document in a string.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import * as z from 'zod/mini';
import { parseArn } from '../../shared/aws/arn';
import { maybeString, numberish } from '../../shared/schema';

const common = {
  source: z.literal('aws.codepipeline'),
  account: z.string(),
  region: maybeString,
  time: maybeString,
  resources: z.optional(z.array(z.string())),
};

const baseDetail = {
  pipeline: z.string().check(z.minLength(1)),
  'execution-id': z.string().check(z.minLength(1)),
  state: z.string().check(z.minLength(1)),
  region: maybeString,
  version: z.optional(z.nullable(numberish)),
};

const pipelineSchema = z.object({
  ...common,
  'detail-type': z.literal('CodePipeline Pipeline Execution State Change'),
  detail: z.object({
    ...baseDetail,
    'execution-trigger': z.optional(z.object({ 'trigger-type': maybeString, 'trigger-detail': maybeString })),
    failedActionCount: z.optional(z.nullable(numberish)),
    failedActions: z.optional(
      z.nullable(z.array(z.object({ action: maybeString, additionalInformation: maybeString }))),
    ),
    failedStage: maybeString,
  }),
});

const stageSchema = z.object({
  ...common,
  'detail-type': z.literal('CodePipeline Stage Execution State Change'),
  detail: z.object({ ...baseDetail, stage: maybeString }),
});

const actionSchema = z.object({
  ...common,
  'detail-type': z.literal('CodePipeline Action Execution State Change'),
  detail: z.object({
    ...baseDetail,
    stage: maybeString,
    action: z.string(),
    type: z.optional(z.object({ owner: maybeString, provider: maybeString, category: maybeString })),
    'execution-result': z.optional(
      z.object({
        'external-execution-url': maybeString,
        'external-execution-summary': maybeString,
        'external-execution-id': maybeString,
        'error-code': maybeString,
      }),
    ),
  }),
});

export const pipelineInputSchema = z.union([pipelineSchema, stageSchema, actionSchema]);
export type PipelineInput = z.infer<typeof pipelineInputSchema>;

export interface PipelineChange {
  level: 'pipeline' | 'stage' | 'action';
  pipeline: string;
  executionId: string;
  state: string;
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

export function changeOf(input: PipelineInput): PipelineChange {
  const d = input.detail;
  const base = {
    pipeline: d.pipeline,
    executionId: d['execution-id'],
    state: d.state,
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
