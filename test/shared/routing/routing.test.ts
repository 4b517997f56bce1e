import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Notice } from '../../../shared/notice/notice';
import { checkRouting } from '../../../shared/routing/check';
import { ROUTING_FILES } from '../../../shared/routing/files';
import { loadRouting } from '../../../shared/routing/load';
import { routeNotice } from '../../../shared/routing/route';
import { type RoutingConfig, routingSchema } from '../../../shared/routing/schema';

const notice = (overrides: Partial<Notice> = {}): Notice => ({
  source: 'codebuild',
  kind: 'build.failed',
  severity: 'failure',
  title: 't',
  facts: [],
  details: [],
  links: [],
  context: [],
  correlation: {},
  ...overrides,
});

const CONFIG: RoutingConfig = {
  channels: {
    builds: { webhookParameter: '/herald/x/builds' },
    alerts: { webhookParameter: '/herald/x/alerts' },
    ops: { webhookParameter: '/herald/x/ops' },
  },
  routes: [
    { sources: ['codebuild'], channels: ['builds'] },
    { severities: ['failure'], channels: ['alerts'], mentions: ['<!here>'] },
    { kinds: ['ecs:task.*'], channels: ['ops'], mentions: ['<!subteam^S0ABC123>'] },
  ],
  mute: ['codebuild:build.started', 'ecs:task.stopped-by-scale-in'],
};

describe('routeNotice', () => {
  it('sends a notice to every matching route, once per channel, each with its own route mentions', () => {
    expect(routeNotice(notice(), CONFIG)).toEqual({
      channels: new Map([
        ['builds', { mentions: [], thread: true }],
        ['alerts', { mentions: ['<!here>'], thread: true }],
      ]),
    });
  });

  it("routes by service: each team's channel gets its repositories, pipelines, applications, services", () => {
    const teams: RoutingConfig = {
      channels: CONFIG.channels,
      routes: [
        {
          pipelines: ['checkout-*'],
          repositories: ['checkout-*'],
          applications: ['checkout-*'],
          channels: ['builds'],
        },
        { services: ['search-*'], clusters: ['shop-cluster'], channels: ['ops'] },
      ],
    };
    const to = (scope: Notice['scope']) => [...routeNotice(notice({ scope }), teams).channels.keys()];

    expect(to({ pipeline: 'checkout-pipeline' })).toEqual(['builds']);
    expect(to({ repository: 'checkout-api' })).toEqual(['builds']);
    expect(to({ application: 'checkout-app', cluster: 'pay-cluster', service: 'checkout-prod' })).toEqual([
      'builds',
    ]);
    expect(to({ cluster: 'shop-cluster', service: 'search-api-prod' })).toEqual(['ops']);
    // Another team's names, or none, match no team route.
    expect(to({ pipeline: 'billing-pipeline', repository: 'billing-api' })).toEqual([]);
    expect(to({ cluster: 'pay-cluster', service: 'payments-prod' })).toEqual([]);
    expect(to(undefined)).toEqual([]);
  });

  it('matches kinds with wildcards', () => {
    expect(routeNotice(notice({ source: 'ecs', kind: 'task.oom', severity: 'warning' }), CONFIG)).toEqual({
      channels: new Map([['ops', { mentions: ['<!subteam^S0ABC123>'], thread: true }]]),
    });
  });

  it('sends a muted kind nowhere, before any route', () => {
    expect(routeNotice(notice({ kind: 'build.started', severity: 'info' }), CONFIG)).toEqual({
      channels: new Map(),
      reason: 'muted by "codebuild:build.started"',
      muted: 'codebuild:build.started',
    });
  });

  it('says so when no route matches', () => {
    expect(routeNotice(notice({ source: 'codedeploy', severity: 'success' }), CONFIG).reason).toBe(
      'no route matches',
    );
  });

  it('treats dots in patterns literally', () => {
    const config: RoutingConfig = {
      ...CONFIG,
      routes: [{ kinds: ['codebuild:build.failed'], channels: ['alerts'] }],
    };

    expect(routeNotice(notice({ kind: 'buildxfailed' }), config).channels.size).toBe(0);
  });
});

describe('routingSchema', () => {
  it.each([
    [
      'a webhook URL instead of a parameter name',
      { webhookParameter: 'https://hooks.slack.com/services/T/B/x' },
    ],
    ['a relative parameter name', { webhookParameter: 'herald/prod/alerts' }],
  ])('rejects %s', (_name, channel) => {
    const result = routingSchema.safeParse({ channels: { a: channel }, routes: [{ channels: ['a'] }] });

    expect(result.success).toBe(false);
  });

  it('rejects a mention that is not a Slack mention', () => {
    const result = routingSchema.safeParse({
      channels: { a: { webhookParameter: '/herald/a' } },
      routes: [{ channels: ['a'], mentions: ['@here please'] }],
    });

    expect(result.success).toBe(false);
  });

  it('rejects a route naming an undefined channel, saying which route and which channel', () => {
    const result = checkRouting(
      { channels: { alerts: {} }, routes: [{ channels: ['alerts'] }, { channels: ['nowhere'] }] },
      { stage: 'stage' },
    );

    expect(result).toEqual({
      ok: false,
      problems: ['routes[1].channels: channel "nowhere" is not defined under "channels" (defined: alerts)'],
    });
  });
});

describe('routingSchema: app channels', () => {
  it('takes a channel by id when the bot token parameter is named', () => {
    const result = routingSchema.safeParse({
      slack: { botTokenParameter: '/herald/x/slack/bot-token' },
      channels: { releases: { channelId: 'C0RELEASES' } },
      routes: [{ channels: ['releases'], thread: true }],
    });

    expect(result.success).toBe(true);
  });

  it('refuses a channel id without a bot token parameter, saying what is missing', () => {
    const result = routingSchema.safeParse({
      channels: { releases: { channelId: 'C0RELEASES' } },
      routes: [{ channels: ['releases'] }],
    });

    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('botTokenParameter');
  });
});

const STAGE_FILES = readdirSync(join(__dirname, '..', '..', '..', 'config', 'routing'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));

describe('the shipped routing files', () => {
  it('are there', () => {
    expect(STAGE_FILES).toEqual(expect.arrayContaining(['local', 'prod', 'stage']));
  });

  it.each(STAGE_FILES)('%s is valid and names only its own stage parameters', (stage) => {
    const routing = loadRouting(stage);

    const parameters = [
      // Channels by id (app mode) name no parameter of their own.
      ...Object.values(routing.channels).map((channel) =>
        'webhookParameter' in channel ? channel.webhookParameter : undefined,
      ),
      routing.slack?.botTokenParameter,
      routing.approvals?.signingSecretParameter,
    ].filter((name): name is string => name !== undefined);
    for (const name of parameters) expect(name.startsWith(`/herald/${stage}/`)).toBe(true);
  });

  it('fails clearly for a stage without a file, saying which file to add', () => {
    expect(() => loadRouting('qa')).toThrow('No routing config for stage "qa": add config/routing/qa.json');
  });

  it('names the file and the field of an invalid config', () => {
    ROUTING_FILES.broken = { channels: {}, routes: 'all' };
    try {
      expect(() => loadRouting('broken')).toThrow(
        'config/routing/broken.json is invalid: routes: expected a list of routes, found a string',
      );
    } finally {
      delete ROUTING_FILES.broken;
    }
  });
});

describe('routing-file mistakes, in words', () => {
  const problems = (raw: unknown) => {
    const checked = checkRouting(raw, { stage: 'stage' });
    return checked.ok ? [] : checked.problems;
  };
  const base = {
    channels: { releases: { webhookParameter: '/herald/stage/slack/releases' } },
    routes: [{ channels: ['releases'] }],
    environments: { prod: ['*-prod'] },
  };

  it('names an unknown key and the known one it resembles', () => {
    expect(problems({ ...base, mutes: ['codebuild:build.started'] })).toEqual([
      'mutes: unknown key, did you mean "mute"?',
    ]);
  });

  it('finds a misspelled key deep inside, too', () => {
    expect(problems({ ...base, routes: [{ channels: ['releases'], mention: ['<!here>'] }] })).toEqual([
      'routes.0.mention: unknown key, did you mean "mentions"?',
    ]);
  });

  it('says what a missing value should have been', () => {
    expect(problems({ channels: base.channels })).toEqual(['routes: missing, expected a list of routes']);
  });

  it("gives rollbacks the stage's signing secret by default, and names a misspelled rule key", () => {
    const rule = { environment: 'prod', allowed: [{ slackUserId: 'U0LIWEI', name: 'Li Wei' }] };

    const checked = checkRouting(
      { ...base, channels: { releases: {} }, rollbacks: { rules: [rule] } },
      { stage: 'qa' },
    );
    expect(checked.ok && checked.config.rollbacks?.signingSecretParameter).toBe(
      '/herald/qa/slack/signing-secret',
    );
    expect(
      problems({
        ...base,
        rollbacks: { signingSecretParameter: '/herald/stage/s', rules: [{ ...rule, allow: [] }] },
      }),
    ).toEqual(['rollbacks.rules.0.allow: unknown key, did you mean "allowed"?']);
  });

  it("names each channel's parameter after the stage by default: a file copied to a new stage just works", () => {
    const checked = checkRouting(
      {
        channels: { releases: {}, alerts: {} },
        routes: [{ channels: ['releases'] }],
        approvals: { rules: [] },
      },
      { stage: 'qa' },
    );

    expect(checked.ok && checked.config.channels).toEqual({
      releases: { webhookParameter: '/herald/qa/slack/releases' },
      alerts: { webhookParameter: '/herald/qa/slack/alerts' },
    });
    expect(checked.ok && checked.config.approvals?.signingSecretParameter).toBe(
      '/herald/qa/slack/signing-secret',
    );
  });

  it("refuses a parameter outside the stage's own path (IAM would refuse it at run time), with the fix", () => {
    const copied = {
      ...base,
      channels: { releases: { webhookParameter: '/herald/stage/slack/releases' } },
      slack: { botTokenParameter: '/herald/stage/slack/bot-token' },
    };

    expect(problems.call(null, copied)).toEqual([]);
    const checked = checkRouting(copied, { stage: 'qa' });
    expect(checked.ok ? [] : checked.problems).toEqual([
      'channels.releases.webhookParameter: /herald/stage/slack/releases is outside /herald/qa/, which is all the functions of stage "qa" may read: use /herald/qa/slack/releases (or leave it out: the default is under /herald/qa/)',
      'slack.botTokenParameter: /herald/stage/slack/bot-token is outside /herald/qa/, which is all the functions of stage "qa" may read: use /herald/qa/slack/bot-token (or leave it out: the default is under /herald/qa/)',
    ]);
  });

  it('refuses kinds Herald never emits, in mute and in routes, naming the near ones', () => {
    expect(
      problems({
        ...base,
        mute: ['codebuild:build.start', 'codebuild:phase.*', 'codepipeline:stage.*'],
        routes: [{ channels: ['releases'], kinds: ['codebuild:build.failure', 'ecs:task.*'] }],
      }),
    ).toEqual([
      'mute[0]: "codebuild:build.start" matches no kind Herald emits (kinds of codebuild near it: codebuild:build.started, codebuild:build.succeeded, codebuild:build.failed, codebuild:build.faulted, codebuild:build.timed-out, codebuild:build.stopped, codebuild:build.*)',
      'routes[0].kinds: "codebuild:build.failure" matches no kind Herald emits (kinds of codebuild near it: codebuild:build.started, codebuild:build.succeeded, codebuild:build.failed, codebuild:build.faulted, codebuild:build.timed-out, codebuild:build.stopped, codebuild:build.*)',
    ]);
    expect(problems({ ...base, mute: ['codebild:build.started'] })).toEqual([
      'mute[0]: "codebild:build.started" matches no kind Herald emits (sources are codebuild, codecommit, codedeploy, codepipeline, ecs, approval, herald)',
    ]);
  });

  it('refuses environments that "environments" does not define, naming those it does', () => {
    expect(
      problems({
        ...base,
        routes: [{ channels: ['releases'], environments: ['production'] }],
        approvals: { rules: [{ environment: 'production', approvers: [] }] },
      }),
    ).toEqual([
      'routes[0].environments: environment "production" is not defined under "environments" (defined: prod)',
      'approvals.rules[0].environment: environment "production" is not defined under "environments" (defined: prod)',
    ]);
  });

  it('refuses an approval rule for a stage the pipeline Herald ships does not have', () => {
    const raw = {
      ...base,
      approvals: { rules: [{ stages: ['Approve'], environment: 'prod', approvers: [] }] },
    };

    const checked = checkRouting(raw, {
      stage: 'stage',
      pipelineStages: ['Source', 'Build', 'Deploy-stage', 'Approval', 'Deploy-prod'],
    });

    expect(checked.ok ? [] : checked.problems).toEqual([
      'approvals.rules[0].stages: "Approve" matches no stage of the pipeline (its stages: Source, Build, Deploy-stage, Approval, Deploy-prod)',
    ]);
    // A Herald of many services ships no pipeline: its stages are the services' own, not checked.
    expect(checkRouting(raw, { stage: 'stage' }).ok).toBe(true);
  });

  it('says which form a channel takes when it has neither', () => {
    expect(problems({ ...base, channels: { releases: { webhook: '/herald/x/releases' } } })[0]).toMatch(
      /^channels\.releases\.webhook: unknown key, did you mean "webhookParameter"\?$/,
    );
  });
});

describe('the local routing file', () => {
  it('serves local runs', () => {
    expect(loadRouting('local').approvals?.rules[0]?.approvers).toHaveLength(1);
  });

  it('is refused inside Lambda, where its demo approver must never count', () => {
    expect(() => loadRouting('local', true)).toThrow('config/routing/local.json is for local runs only');
  });
});
