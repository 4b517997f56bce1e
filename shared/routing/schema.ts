/**
 * The routing config: one JSON file per stage in config/routing/. Channels name the SSM
 * SecureString parameter that holds their webhook URL, never the URL itself.
 */
import * as z from 'zod/mini';
import { SEVERITIES, SOURCES } from '../notice/notice';
import { knownTimeZone, type WorkingHours } from '../releases/ships';

/** The routing file's `workingHours` (shared/releases/ships.ts reads it as `WorkingHours`). */
const workingHoursSchema: z.ZodMiniType<WorkingHours> = z.strictObject({
  /** An IANA time zone, e.g. `Europe/Berlin`. */
  timeZone: z.string().check(z.refine(knownTimeZone, 'an IANA time zone such as Europe/Berlin')),
  /** Days of the week, `Mon` … `Sun`. */
  days: z.array(z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])),
  /** `09:00-18:00`, in that time zone. */
  hours: z
    .string()
    .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/, 'hours like 09:00-18:00')),
});

/** `<!here>`, `<!channel>`, `<@U0123ABC>`, `<!subteam^S0123ABC>`: the only mention forms allowed. */
const MENTION_PATTERN = /^<(?:!here|!channel|@[UW][A-Z0-9]{2,}|!subteam\^S[A-Z0-9]{2,})>$/;

/** `source:kind` with `*` as a wildcard, e.g. `codebuild:build.started`, `ecs:*`. */
const KIND_PATTERN = /^[a-z]+:[a-z0-9.*-]+$/;

/**
 * A webhook channel (its URL in SSM: by default `/herald/<stage>/slack/<channel>`), or a channel of
 * the Slack app by id (app mode: the bot token).
 */
const channelSchema = z.union([
  z.strictObject({
    webhookParameter: z.optional(
      z
        .string()
        .check(
          z.regex(
            /^\/[A-Za-z0-9_.\-/]+$/,
            'an SSM parameter name starting with "/" (the name, never the URL)',
          ),
        ),
    ),
  }),
  z.strictObject({
    channelId: z.string().check(z.regex(/^[CG][A-Z0-9]{2,}$/, 'a Slack channel id such as C0123ABCD')),
  }),
]);

const routeSchema = z.strictObject({
  sources: z.optional(z.array(z.enum(SOURCES))),
  kinds: z.optional(z.array(z.string().check(z.regex(KIND_PATTERN)))),
  severities: z.optional(z.array(z.enum(SEVERITIES))),
  environments: z.optional(z.array(z.string())),
  /**
   * By service (globs): the notice's repository, build project, pipeline, CodeDeploy application,
   * ECS cluster or service.
   */
  repositories: z.optional(z.array(z.string().check(z.minLength(1)))),
  projects: z.optional(z.array(z.string().check(z.minLength(1)))),
  pipelines: z.optional(z.array(z.string().check(z.minLength(1)))),
  applications: z.optional(z.array(z.string().check(z.minLength(1)))),
  clusters: z.optional(z.array(z.string().check(z.minLength(1)))),
  services: z.optional(z.array(z.string().check(z.minLength(1)))),
  channels: z.array(z.string()).check(z.minLength(1)),
  mentions: z.optional(
    z.array(z.string().check(z.regex(MENTION_PATTERN, 'a Slack mention like <!here> or <@U123>'))),
  ),
  /** App channels: notices of a release update its card and go to its thread (default), or not. */
  thread: z.optional(z.boolean()),
});

/** Which repositories and branches (`*` as a wildcard) notify at all; absent means all. */
const codeCommitFilterSchema = z.strictObject({
  repositories: z.optional(z.array(z.string().check(z.minLength(1)))),
  branches: z.optional(z.array(z.string().check(z.minLength(1)))),
});

const ssmName = z.string().check(z.regex(/^\/[A-Za-z0-9_.\-/]+$/, 'an SSM parameter name starting with "/"'));

/** Who may decide an approval, by Slack user id (never by name: names can be changed by anyone). */
const approverSchema = z.strictObject({
  slackUserId: z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U0123ABCD')),
  name: z.string().check(z.minLength(1)),
  /** How this person appears as a commit author or AWS principal, for the no-self-approval rule. */
  identities: z.optional(z.array(z.string().check(z.minLength(1)))),
});

/** A Slack user group, by id (app mode: its members are read with the bot token). */
const groupSchema = z.strictObject({
  slackGroupId: z.string().check(z.regex(/^S[A-Z0-9]{2,}$/, 'a Slack user group id such as S0123ABCD')),
  name: z.string().check(z.minLength(1)),
});

/**
 * Who may roll back (or finish early) a blue/green deployment from Slack while the original task
 * set is kept: per environment (of the deployment group), optionally per CodeDeploy application.
 */
const rollbackRuleSchema = z.strictObject({
  environment: z.string().check(z.minLength(1)),
  applications: z.optional(z.array(z.string())),
  allowed: z.array(
    z.strictObject({
      slackUserId: z.string().check(z.regex(/^[UW][A-Z0-9]{2,}$/, 'a Slack user id such as U0123ABCD')),
      name: z.string().check(z.minLength(1)),
    }),
  ),
  /** App mode: members of these Slack user groups may decide too. */
  allowedGroups: z.optional(z.array(groupSchema)),
});

const approvalRuleSchema = z.strictObject({
  pipelines: z.optional(z.array(z.string())),
  stages: z.optional(z.array(z.string())),
  actions: z.optional(z.array(z.string())),
  environment: z.string().check(z.minLength(1)),
  approvers: z.array(approverSchema),
  /** App mode: members of these Slack user groups may decide too (usergroups.users.list). */
  approverGroups: z.optional(z.array(groupSchema)),
  /** The author of the change being shipped may not approve it. */
  noSelfApproval: z.optional(z.boolean()),
});

/** ECS noise controls, per cluster and service (`*` as a wildcard); the first match wins. */
const ecsServiceSchema = z.strictObject({
  cluster: z.optional(z.string()),
  service: z.optional(z.string()),
  /** At most one message per service per window; what else comes is counted and folded in. */
  windowMinutes: z.optional(z.number().check(z.minimum(0), z.maximum(1440))),
  spotInterruptions: z.optional(z.boolean()),
  userStops: z.optional(z.boolean()),
});

/** A name, or a prefix ending in `*` (never `*` alone: IAM scopes follow these entries). */
const watchEntry = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._\-/]+\*?$/, 'a name, or a name prefix ending in "*" (not "*" alone)'));

/**
 * What this Herald watches, per kind of resource: the EventBridge rules filter on these lists and
 * every role's IAM resources are made from them (build-tools/watch.js); the functions refuse what
 * is outside them. A list left out keeps the single-service default of serverless.yml's params.
 */
const watchSchema = z.strictObject({
  repositories: z.optional(z.array(watchEntry).check(z.minLength(1))),
  buildProjects: z.optional(z.array(watchEntry).check(z.minLength(1))),
  pipelines: z.optional(z.array(watchEntry).check(z.minLength(1))),
  applications: z.optional(z.array(watchEntry).check(z.minLength(1))),
  clusters: z.optional(z.array(watchEntry).check(z.minLength(1))),
  services: z.optional(z.array(watchEntry).check(z.minLength(1))),
});

export const routingSchema = z
  .strictObject({
    /** For `npm start` and tests only: refused inside Lambda (it names demo approvers). */
    localOnly: z.optional(z.boolean()),
    /** The repositories, build projects, pipelines, applications, clusters, services watched. */
    watch: z.optional(watchSchema),
    channels: z.record(z.string().check(z.regex(/^[a-z0-9-]+$/)), channelSchema),
    routes: z.array(routeSchema),
    mute: z.optional(z.array(z.string().check(z.regex(KIND_PATTERN)))),
    filters: z.optional(z.strictObject({ codecommit: z.optional(codeCommitFilterSchema) })),
    /** Environment name → patterns of the deployment groups (and ECS services) that belong to it. */
    environments: z.optional(z.record(z.string().check(z.regex(/^[a-z0-9-]+$/)), z.array(z.string()))),
    ecs: z.optional(z.strictObject({ services: z.optional(z.array(ecsServiceSchema)) })),
    /** The Slack app (app mode): where its bot token is kept. */
    slack: z.optional(z.strictObject({ botTokenParameter: ssmName })),
    /**
     * The team's people beyond approvers and those who may roll back: how they appear as commit
     * authors, so that what ships mentions them by their Slack id.
     */
    people: z.optional(z.array(approverSchema)),
    /** When the team works (off by default): an approval requested outside says so. */
    workingHours: z.optional(workingHoursSchema),
    /**
     * The weekly delivery digest (on by default: Mondays 09:00 in `timeZone`, else the working
     * hours' time zone, else UTC); `false` turns it off.
     */
    digest: z.optional(
      z.union([
        z.literal(false),
        z.strictObject({
          day: z.optional(z.enum(['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'])),
          time: z.optional(z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 09:00'))),
          timeZone: z.optional(
            z.string().check(z.refine(knownTimeZone, 'an IANA time zone such as Europe/Berlin')),
          ),
        }),
      ]),
    ),
    /**
     * App mode: every watched pipeline's runs become release cards (found without configuration);
     * `cards: false` turns them off, `except` leaves some pipelines out (names or globs).
     */
    releases: z.optional(
      z.strictObject({
        cards: z.optional(z.boolean()),
        except: z.optional(z.array(z.string().check(z.minLength(1)))),
        pipelines: z.optional(
          z.never({
            error:
              'no longer needed: every watched pipeline gets release cards; remove it (releases.except leaves pipelines out)',
          }),
        ),
      }),
    ),
    /**
     * Approvals from Slack: the signing secret's SSM name (by default
     * `/herald/<stage>/slack/signing-secret`) and who may approve what.
     */
    approvals: z.optional(
      z.strictObject({ signingSecretParameter: z.optional(ssmName), rules: z.array(approvalRuleSchema) }),
    ),
    /** Roll back / finish now from Slack during a deployment's bake window; nobody listed, no buttons. */
    rollbacks: z.optional(
      z.strictObject({ signingSecretParameter: z.optional(ssmName), rules: z.array(rollbackRuleSchema) }),
    ),
  })
  .check(
    z.refine(
      (config) =>
        Boolean(config.slack?.botTokenParameter) ||
        Object.values(config.channels).every((channel) => !('channelId' in channel)),
      {
        message:
          'channels with a channelId need "slack": { "botTokenParameter": … } (the Slack app\'s bot token)',
      },
    ),
  );

export type RoutingConfig = z.infer<typeof routingSchema>;
export type CodeCommitFilter = z.infer<typeof codeCommitFilterSchema>;
export type ApprovalRule = z.infer<typeof approvalRuleSchema>;
export type RollbackRule = z.infer<typeof rollbackRuleSchema>;
export type WatchLists = z.infer<typeof watchSchema>;
export type EcsServiceSettings = z.infer<typeof ecsServiceSchema>;
