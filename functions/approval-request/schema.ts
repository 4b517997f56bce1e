/**
 * The SNS message CodePipeline publishes when a manual approval action starts.
 * `expires` has minute precision (`2016-07-07T20:22Z`); `approvalReviewLink` carries the token in
 * its URL, so Herald never shows it.
 * https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-json-format.html
 */
import * as v from 'valibot';
import { maybeString } from '../../shared/input/schema';

export const approvalNotificationSchema = v.object({
  region: v.string(),
  consoleLink: maybeString,
  approval: v.object({
    // CodePipeline's own limits: longer is not a real approval, and would not fit a button.
    pipelineName: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    stageName: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    actionName: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
    token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9-]{1,128}$/)),
    expires: maybeString,
    externalEntityLink: maybeString,
    approvalReviewLink: maybeString,
    customData: maybeString,
  }),
});

export type ApprovalNotification = v.InferOutput<typeof approvalNotificationSchema>;
