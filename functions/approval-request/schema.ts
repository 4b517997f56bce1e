/**
 * The SNS message CodePipeline publishes when a manual approval action starts.
 * `expires` has minute precision (`2016-07-07T20:22Z`); `approvalReviewLink` carries the token in
 * its URL, so Herald never shows it.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */
import * as z from 'zod/mini';
import { maybeString } from '../../shared/input/schema';

export const approvalNotificationSchema = z.object({
  region: z.string(),
  consoleLink: maybeString,
  approval: z.object({
    // CodePipeline's own limits: longer is not a real approval, and would not fit a button.
    pipelineName: z.string().check(z.minLength(1), z.maxLength(100)),
    stageName: z.string().check(z.minLength(1), z.maxLength(100)),
    actionName: z.string().check(z.minLength(1), z.maxLength(100)),
    token: z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/)),
    expires: maybeString,
    externalEntityLink: maybeString,
    approvalReviewLink: maybeString,
    customData: maybeString,
  }),
});

export type ApprovalNotification = z.infer<typeof approvalNotificationSchema>;
