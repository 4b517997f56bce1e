/**
 * EventBridge `CodePipeline Pipeline Execution State Change`, `Stage Execution State Change` and
 * `Action Execution State Change` (the CodeStar Notifications form is made to look the same by
 * shared/input/parse.ts). Real events drift: `version` is an int, a float or a string; some stage events
 * lack `stage`, some events `region`; `failedActionCount` may disagree with `failedActions`;
 * `external-execution-summary` may be a JSON document in a string.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import * as z from 'zod/mini';
import { maybeString, numberish } from '../../shared/input/schema';

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
