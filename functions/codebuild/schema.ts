/**
 * EventBridge `CodeBuild Build State Change`, modelled on the fields Herald reads. IN_PROGRESS
 * events lack the build number, phases and log group; values drift between strings and numbers.
 * https://docs.aws.amazon.com/codebuild/latest/userguide/sample-build-notifications-ref.html
 */
import * as z from 'zod/mini';
import { booleanish, maybeString, numberish } from '../../shared/input/schema';

const phaseSchema = z.object({
  'phase-type': maybeString,
  'phase-status': maybeString,
  'phase-context': z.optional(z.nullable(z.array(z.nullable(z.string())))),
  'start-time': maybeString,
  'end-time': maybeString,
  'duration-in-seconds': z.optional(z.nullable(numberish)),
});

export const buildEventSchema = z.object({
  'detail-type': z.literal('CodeBuild Build State Change'),
  source: z.literal('aws.codebuild'),
  id: maybeString,
  account: z.string(),
  region: z.string(),
  time: maybeString,
  detail: z.object({
    'build-status': z.string().check(z.minLength(1)),
    'project-name': z.string().check(z.minLength(1)),
    'build-id': z.string().check(z.minLength(1)),
    'current-phase': maybeString,
    'current-phase-context': maybeString,
    'additional-information': z.optional(
      z.object({
        'build-number': z.optional(z.nullable(numberish)),
        initiator: maybeString,
        'build-start-time': maybeString,
        'build-complete': z.optional(booleanish),
        'source-version': maybeString,
        'resolved-source-version': maybeString,
        source: z.optional(z.object({ type: maybeString, location: maybeString })),
        logs: z.optional(
          z.object({ 'group-name': maybeString, 'stream-name': maybeString, 'deep-link': maybeString }),
        ),
        phases: z.optional(z.nullable(z.array(phaseSchema))),
        environment: z.optional(
          z.object({
            'environment-variables': z.optional(
              z.nullable(z.array(z.object({ name: z.string(), value: maybeString, type: maybeString }))),
            ),
          }),
        ),
      }),
    ),
  }),
});

export type BuildEvent = z.infer<typeof buildEventSchema>;

/** `CodeBuild Build Phase Change`: known, not announced by default (`codebuild:phase.*`). */
export const phaseEventSchema = z.object({
  'detail-type': z.literal('CodeBuild Build Phase Change'),
  source: z.literal('aws.codebuild'),
  account: z.string(),
  region: z.string(),
  time: maybeString,
  detail: z.object({
    'completed-phase': z.string().check(z.minLength(1)),
    'completed-phase-status': maybeString,
    'completed-phase-duration-seconds': z.optional(z.nullable(numberish)),
    'project-name': z.string().check(z.minLength(1)),
    'build-id': z.string().check(z.minLength(1)),
  }),
});

export const codeBuildInputSchema = z.union([buildEventSchema, phaseEventSchema]);
export type PhaseEvent = z.infer<typeof phaseEventSchema>;
