/**
 * EventBridge `CodeBuild Build State Change`, modelled on the fields Herald reads. IN_PROGRESS
 * events lack the build number, phases and log group; values drift between strings and numbers.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import * as v from 'valibot';
import { booleanish, maybeString, numberish } from '../../shared/input/schema';

const phaseSchema = v.object({
  'phase-type': maybeString,
  'phase-status': maybeString,
  'phase-context': v.optional(v.nullable(v.array(v.nullable(v.string())))),
  'start-time': maybeString,
  'end-time': maybeString,
  'duration-in-seconds': v.optional(v.nullable(numberish)),
});

export const buildEventSchema = v.object({
  'detail-type': v.literal('CodeBuild Build State Change'),
  source: v.literal('aws.codebuild'),
  id: maybeString,
  account: v.string(),
  region: v.string(),
  time: maybeString,
  detail: v.object({
    'build-status': v.pipe(v.string(), v.minLength(1)),
    'project-name': v.pipe(v.string(), v.minLength(1)),
    'build-id': v.pipe(v.string(), v.minLength(1)),
    'current-phase': maybeString,
    'current-phase-context': maybeString,
    'additional-information': v.optional(
      v.object({
        'build-number': v.optional(v.nullable(numberish)),
        initiator: maybeString,
        'build-start-time': maybeString,
        'build-complete': v.optional(booleanish),
        'source-version': maybeString,
        'resolved-source-version': maybeString,
        source: v.optional(v.object({ type: maybeString, location: maybeString })),
        logs: v.optional(
          v.object({ 'group-name': maybeString, 'stream-name': maybeString, 'deep-link': maybeString }),
        ),
        phases: v.optional(v.nullable(v.array(phaseSchema))),
        environment: v.optional(
          v.object({
            'environment-variables': v.optional(
              v.nullable(v.array(v.object({ name: v.string(), value: maybeString, type: maybeString }))),
            ),
          }),
        ),
      }),
    ),
  }),
});

export type BuildEvent = v.InferOutput<typeof buildEventSchema>;

/** `CodeBuild Build Phase Change`: known, not announced by default (`codebuild:phase.*`). */
export const phaseEventSchema = v.object({
  'detail-type': v.literal('CodeBuild Build Phase Change'),
  source: v.literal('aws.codebuild'),
  account: v.string(),
  region: v.string(),
  time: maybeString,
  detail: v.object({
    'completed-phase': v.pipe(v.string(), v.minLength(1)),
    'completed-phase-status': maybeString,
    'completed-phase-duration-seconds': v.optional(v.nullable(numberish)),
    'project-name': v.pipe(v.string(), v.minLength(1)),
    'build-id': v.pipe(v.string(), v.minLength(1)),
  }),
});

export const codeBuildInputSchema = v.union([buildEventSchema, phaseEventSchema]);
export type PhaseEvent = v.InferOutput<typeof phaseEventSchema>;
