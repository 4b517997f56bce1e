/**
 * Pure: a routing file checked whole for a stage, as `sls package`, `npm run check:config` and
 * every cold start read it: its keys and shapes (./schema.ts, in words by ./issues.ts), then its
 * values (./values.ts); and its defaults filled in: a webhook channel's parameter is
 * `/herald/<stage>/slack/<channel>`, the signing secret `/herald/<stage>/slack/signing-secret`,
 * so a file copied from another stage names its own stage's parameters.
 */
import { describeRoutingIssues } from './issues';
import { type RoutingConfig, routingSchema } from './schema';
import { type StageContext, stagePath, valueIssues } from './values';

export const defaultWebhookParameter = (stage: string, channel: string) =>
  `${stagePath(stage)}slack/${channel}`;
export const defaultSigningSecretParameter = (stage: string) => `${stagePath(stage)}slack/signing-secret`;

/** The config with the stage's defaults filled in. */
export function withDefaults(config: RoutingConfig, stage: string): RoutingConfig {
  const channels = Object.fromEntries(
    Object.entries(config.channels).map(([name, channel]) => [
      name,
      'channelId' in channel
        ? channel
        : { webhookParameter: channel.webhookParameter ?? defaultWebhookParameter(stage, name) },
    ]),
  );
  const secret = defaultSigningSecretParameter(stage);
  return {
    ...config,
    channels,
    ...(config.approvals
      ? {
          approvals: {
            ...config.approvals,
            signingSecretParameter: config.approvals.signingSecretParameter ?? secret,
          },
        }
      : {}),
    ...(config.rollbacks
      ? {
          rollbacks: {
            ...config.rollbacks,
            signingSecretParameter:
              config.rollbacks.signingSecretParameter ?? config.approvals?.signingSecretParameter ?? secret,
          },
        }
      : {}),
  };
}

/** A routing file's content checked for `context.stage`: its problems, one line each, or the config. */
export function checkRouting(
  raw: unknown,
  context: StageContext,
): { ok: true; config: RoutingConfig } | { ok: false; problems: string[] } {
  const result = routingSchema.safeParse(raw);
  if (!result.success)
    return { ok: false, problems: describeRoutingIssues(result.error.issues, raw, routingSchema) };
  const config = withDefaults(result.data, context.stage);
  const problems = valueIssues(config, context);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, config };
}
