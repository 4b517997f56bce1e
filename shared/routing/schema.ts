/**
 * The routing config: one JSON file per stage in config/routing/. Channels name the SSM
 * SecureString parameter that holds their webhook URL, never the URL itself.
 */
import * as z from 'zod/mini';
import { SEVERITIES, SOURCES } from '../notice';

/** `<!here>`, `<!channel>`, `<@U0123ABC>`, `<!subteam^S0123ABC>`: the only mention forms allowed. */
export const MENTION_PATTERN = /^<(?:!here|!channel|@[UW][A-Z0-9]{2,}|!subteam\^S[A-Z0-9]{2,})>$/;

/** `source:kind` with `*` as a wildcard, e.g. `codebuild:build.started`, `ecs:*`. */
const KIND_PATTERN = /^[a-z]+:[a-z0-9.*-]+$/;

const channelSchema = z.object({
  webhookParameter: z
    .string()
    .check(
      z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'an SSM parameter name starting with "/" (the name, never the URL)'),
    ),
});

const routeSchema = z.object({
  sources: z.optional(z.array(z.enum(SOURCES))),
  kinds: z.optional(z.array(z.string().check(z.regex(KIND_PATTERN)))),
  severities: z.optional(z.array(z.enum(SEVERITIES))),
  environments: z.optional(z.array(z.string())),
  channels: z.array(z.string()).check(z.minLength(1)),
  mentions: z.optional(
    z.array(z.string().check(z.regex(MENTION_PATTERN, 'a Slack mention like <!here> or <@U123>'))),
  ),
});

/** Which repositories and branches (`*` as a wildcard) notify at all; absent means all. */
const codeCommitFilterSchema = z.object({
  repositories: z.optional(z.array(z.string().check(z.minLength(1)))),
  branches: z.optional(z.array(z.string().check(z.minLength(1)))),
});

export const routingSchema = z
  .object({
    channels: z.record(z.string().check(z.regex(/^[a-z0-9-]+$/)), channelSchema),
    routes: z.array(routeSchema),
    mute: z.optional(z.array(z.string().check(z.regex(KIND_PATTERN)))),
    filters: z.optional(z.object({ codecommit: z.optional(codeCommitFilterSchema) })),
    /** Environment name → patterns of the deployment groups (and ECS services) that belong to it. */
    environments: z.optional(z.record(z.string().check(z.regex(/^[a-z0-9-]+$/)), z.array(z.string()))),
  })
  .check(
    z.refine(
      (config) => config.routes.every((route) => route.channels.every((name) => name in config.channels)),
      {
        message: 'every route must name channels defined under "channels"',
      },
    ),
  );

export type RoutingConfig = z.infer<typeof routingSchema>;
export type Route = RoutingConfig['routes'][number];
export type CodeCommitFilter = z.infer<typeof codeCommitFilterSchema>;
