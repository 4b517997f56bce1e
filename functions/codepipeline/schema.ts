/**
 * EventBridge `CodePipeline Pipeline Execution State Change`, `Stage Execution State Change` and
 * `Action Execution State Change` (the CodeStar Notifications form is made to look the same by
 * shared/input/parse.ts). Real events drift: `version` is an int, a float or a string; some stage events
 * lack `stage`, some events `region`; `failedActionCount` may disagree with `failedActions`;
 * `external-execution-summary` may be a JSON document in a string.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/detect-state-changes-cloudwatch-events.html
 */
import * as v from 'valibot';
import { maybeString, numberish } from '../../shared/input/schema';

const common = {
  source: v.literal('aws.codepipeline'),
  account: v.string(),
  region: maybeString,
  time: maybeString,
  resources: v.optional(v.array(v.string())),
};

const baseDetail = {
  pipeline: v.pipe(v.string(), v.minLength(1)),
  'execution-id': v.pipe(v.string(), v.minLength(1)),
  state: v.pipe(v.string(), v.minLength(1)),
  region: maybeString,
  version: v.optional(v.nullable(numberish)),
};

const pipelineSchema = v.object({
  ...common,
  'detail-type': v.literal('CodePipeline Pipeline Execution State Change'),
  detail: v.object({
    ...baseDetail,
    'execution-trigger': v.optional(v.object({ 'trigger-type': maybeString, 'trigger-detail': maybeString })),
    failedActionCount: v.optional(v.nullable(numberish)),
    failedActions: v.optional(
      v.nullable(v.array(v.object({ action: maybeString, additionalInformation: maybeString }))),
    ),
    failedStage: maybeString,
  }),
});

const stageSchema = v.object({
  ...common,
  'detail-type': v.literal('CodePipeline Stage Execution State Change'),
  detail: v.object({ ...baseDetail, stage: maybeString }),
});

const actionSchema = v.object({
  ...common,
  'detail-type': v.literal('CodePipeline Action Execution State Change'),
  detail: v.object({
    ...baseDetail,
    stage: maybeString,
    action: v.string(),
    type: v.optional(v.object({ owner: maybeString, provider: maybeString, category: maybeString })),
    'execution-result': v.optional(
      v.object({
        'external-execution-url': maybeString,
        'external-execution-summary': maybeString,
        'external-execution-id': maybeString,
        'error-code': maybeString,
      }),
    ),
  }),
});

export const pipelineInputSchema = v.union([pipelineSchema, stageSchema, actionSchema]);
export type PipelineInput = v.InferOutput<typeof pipelineInputSchema>;
