import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ROUTING_FILES } from '../../shared/routing/files';
import { loadRouting } from '../../shared/routing/load';
import {
  type AdminWorld,
  type AwsAdminStandIn,
  startAwsAdminStandIn,
} from '../../testkit/aws-admin-stand-in';
import { type SlackServer, startSlackServer } from '../../testkit/slack-receiver';
import { main } from '../../tools/doctor';
import {
  type DoctorOptions,
  exitCodeOf,
  findingLine,
  runChecks,
  slackClient,
  summaryLine,
} from '../../tools/doctor/checks';

const ROOT = join(__dirname, '..', '..');
const HOOK = 'https://hooks.slack.com/services/TFAKE/BFAKE/fakeWebhookForTests';
const TOKEN = 'xoxb-local-test-token-0000';
const SECRET = 'local-signing-secret-0000';

/** A webhook stage: two channels and approvals. */
const WEBHOOK_FILE = {
  channels: {
    releases: { webhookParameter: '/herald/qa/slack/releases' },
    alerts: { webhookParameter: '/herald/qa/slack/alerts' },
  },
  routes: [{ channels: ['releases'] }, { severities: ['failure'], channels: ['alerts'] }],
  approvals: { signingSecretParameter: '/herald/qa/slack/signing-secret', rules: [] },
};

/** An app stage: channels by id, the bot token in SSM. */
const APP_FILE = {
  channels: { checkout: { channelId: 'C0CHECKOUT' }, search: { channelId: 'C0SEARCH01' } },
  routes: [{ channels: ['checkout'] }, { channels: ['search'] }],
  slack: { botTokenParameter: '/herald/qa/slack/bot-token' },
};

const RULES = [
  { name: 'herald-qa-codebuild-rule-1', state: 'ENABLED' },
  { name: 'herald-qa-ecs-rule-1', state: 'ENABLED' },
];

/** Everything a healthy webhook stage has deployed. */
function healthy(): AdminWorld {
  return {
    parameters: {
      '/herald/qa/slack/releases': { type: 'SecureString', value: HOOK },
      '/herald/qa/slack/alerts': { type: 'SecureString', value: HOOK },
      '/herald/qa/slack/signing-secret': { type: 'SecureString', value: SECRET },
      '/herald/qa/slack/bot-token': { type: 'SecureString', value: TOKEN },
    },
    rules: RULES.map((rule) => ({ ...rule })),
    queues: { 'herald-qa-failed-events': [] },
  };
}

const HEALTHY_RULES_AND_QUEUE = [
  '✓ EventBridge rule herald-qa-codebuild-rule-1 is ENABLED',
  '✓ EventBridge rule herald-qa-ecs-rule-1 is ENABLED',
  '✓ queue herald-qa-failed-events is empty',
];

/** A Web API answer of the Slack stand-in. */
const api = (body: Record<string, unknown>) => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json; charset=utf-8' },
});

let aws: AwsAdminStandIn;
let slack: SlackServer;

beforeAll(async () => {
  aws = await startAwsAdminStandIn();
  slack = await startSlackServer();
});

afterAll(async () => {
  await aws.close();
  await slack.close();
});

beforeEach(() => slack.reset());

afterEach(() => {
  delete ROUTING_FILES.qa;
});

function clients() {
  const options = { endpoint: aws.url, region: 'eu-west-1', maxAttempts: 1 };
  return {
    ssm: new SSMClient(options),
    events: new EventBridgeClient(options),
    sqs: new SQSClient(options),
    slack: (token: string) => slackClient(token, slack.apiUrl),
  };
}

/** Runs every check of stage qa against the stand-ins: the lines printed and the exit code. */
async function doctor(
  world: AdminWorld,
  file: unknown = WEBHOOK_FILE,
  options: Partial<DoctorOptions> = {},
): Promise<{ lines: string[]; exitCode: number }> {
  ROUTING_FILES.qa = file;
  aws.use(world);
  const findings = await runChecks(clients(), { stage: 'qa', routing: loadRouting('qa'), ...options });
  return { lines: findings.map(findingLine), exitCode: exitCodeOf(findings) };
}

describe('doctor: SSM parameters', () => {
  it('passes a healthy webhook stage, reading types without decryption and printing no secret', async () => {
    const { lines, exitCode } = await doctor(healthy());

    expect(lines).toEqual([
      '✓ SSM parameter /herald/qa/slack/releases (webhook of channel "releases") is a SecureString',
      '✓ the webhook URL of channel "releases" is well formed',
      '✓ SSM parameter /herald/qa/slack/alerts (webhook of channel "alerts") is a SecureString',
      '✓ the webhook URL of channel "alerts" is well formed',
      '✓ SSM parameter /herald/qa/slack/signing-secret (signing secret) is a SecureString',
      ...HEALTHY_RULES_AND_QUEUE,
    ]);
    expect(exitCode).toBe(0);
    // Types are read encrypted; only webhook URLs are decrypted (to check their form), never the secret.
    expect(aws.parameterReads).toEqual([
      { name: '/herald/qa/slack/releases', withDecryption: false },
      { name: '/herald/qa/slack/releases', withDecryption: true },
      { name: '/herald/qa/slack/alerts', withDecryption: false },
      { name: '/herald/qa/slack/alerts', withDecryption: true },
      { name: '/herald/qa/slack/signing-secret', withDecryption: false },
    ]);
    expect(lines.join('\n')).not.toMatch(/fakeWebhookForTests|local-signing-secret/);
    expect(slack.requests).toEqual([]);
  });

  it('names a missing parameter and how to create it, and reads nothing more of it', async () => {
    const world = healthy();
    delete world.parameters?.['/herald/qa/slack/alerts'];

    const { lines, exitCode } = await doctor(world);

    expect(lines).toContain(
      `✗ SSM parameter /herald/qa/slack/alerts (webhook of channel "alerts") does not exist: aws ssm put-parameter --name /herald/qa/slack/alerts --type SecureString --value 'https://hooks.slack.com/services/…'`,
    );
    expect(lines).not.toContain('✓ the webhook URL of channel "alerts" is well formed');
    expect(aws.parameterReads.filter((read) => read.name === '/herald/qa/slack/alerts')).toEqual([
      { name: '/herald/qa/slack/alerts', withDecryption: false },
    ]);
    expect(exitCode).toBe(1);
  });

  it('lets a first try go without the signing secret while nobody may click, and not once somebody may', async () => {
    const world = healthy();
    world.parameters = Object.fromEntries(
      Object.entries(world.parameters ?? {}).filter(([name]) => name !== '/herald/qa/slack/signing-secret'),
    );
    const approver = { slackUserId: 'U0123ABCD', name: 'Li Wei' };
    const withApprover = {
      ...WEBHOOK_FILE,
      environments: { prod: ['*-prod'] },
      approvals: { ...WEBHOOK_FILE.approvals, rules: [{ environment: 'prod', approvers: [approver] }] },
    };

    const first = await doctor(world);
    const later = await doctor(world, withApprover);

    expect(first.lines).toContain(
      `? SSM parameter /herald/qa/slack/signing-secret (signing secret) does not exist yet; no rule lists anyone who may approve or roll back from Slack, so nothing needs it now: before listing approvers: aws ssm put-parameter --name /herald/qa/slack/signing-secret --type SecureString --value '<the Slack app signing secret>'`,
    );
    expect(first.exitCode).toBe(0);
    expect(later.lines).toContain(
      `✗ SSM parameter /herald/qa/slack/signing-secret (signing secret) does not exist: aws ssm put-parameter --name /herald/qa/slack/signing-secret --type SecureString --value '<the Slack app signing secret>'`,
    );
    expect(later.exitCode).toBe(1);
  });

  it('refuses a String where a SecureString belongs', async () => {
    const world = healthy();
    world.parameters = {
      ...world.parameters,
      '/herald/qa/slack/signing-secret': { type: 'String', value: SECRET },
    };

    const { lines, exitCode } = await doctor(world);

    expect(lines).toContain(
      `✗ SSM parameter /herald/qa/slack/signing-secret (signing secret) is a String, not a SecureString: delete it and put it again encrypted: aws ssm delete-parameter --name /herald/qa/slack/signing-secret && aws ssm put-parameter --name /herald/qa/slack/signing-secret --type SecureString --value '<the Slack app signing secret>'`,
    );
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(exitCode).toBe(1);
  });

  it('says a parameter it may not read could not be read, and which permission is missing', async () => {
    const { lines, exitCode } = await doctor({ ...healthy(), denied: ['AmazonSSM.GetParameter'] });

    expect(lines[0]).toBe(
      '✗ SSM parameter /herald/qa/slack/releases (webhook of channel "releases") could not be read (AccessDeniedException): your credentials need ssm:GetParameter on it',
    );
    expect(exitCode).toBe(1);
  });
});

describe('doctor: webhooks', () => {
  it('refuses a value that is not a Slack webhook URL without printing it', async () => {
    const world = healthy();
    world.parameters = {
      ...world.parameters,
      '/herald/qa/slack/releases': { type: 'SecureString', value: 'https://example.com/hook?key=TOPSECRET' },
    };

    const { lines, exitCode } = await doctor(world);

    expect(lines).toContain(
      `✗ the value of /herald/qa/slack/releases (channel "releases") is not a Slack webhook URL (https://hooks.slack.com/services/…): copy the channel's URL from the Slack app's Incoming Webhooks page: aws ssm put-parameter --name /herald/qa/slack/releases --type SecureString --overwrite --value 'https://hooks.slack.com/services/…'`,
    );
    expect(lines.join('\n')).not.toContain('TOPSECRET');
    expect(exitCode).toBe(1);
  });

  it('with --post, sends one plain test message to each webhook', async () => {
    const world = healthy();
    for (const name of ['/herald/qa/slack/releases', '/herald/qa/slack/alerts'])
      world.parameters = { ...world.parameters, [name]: { type: 'SecureString', value: slack.webhookUrl } };

    const { lines, exitCode } = await doctor(world, WEBHOOK_FILE, {
      post: true,
      isWebhookUrl: (url) => url.startsWith(`${slack.url}/services/`),
    });

    expect(slack.requests.map((request) => [request.path, request.json])).toEqual([
      [
        '/services/TLOCAL000/BLOCAL000/localtestwebhooktoken',
        { text: 'Herald doctor: this channel is reachable (stage qa)' },
      ],
      [
        '/services/TLOCAL000/BLOCAL000/localtestwebhooktoken',
        { text: 'Herald doctor: this channel is reachable (stage qa)' },
      ],
    ]);
    expect(lines).toContain('✓ Slack took the test message for channel "releases"');
    expect(lines).toContain('✓ Slack took the test message for channel "alerts"');
    expect(lines.join('\n')).not.toContain('localtestwebhooktoken');
    expect(exitCode).toBe(0);
  });

  it('with --post, says which channel Slack refused and why', async () => {
    const world = healthy();
    world.parameters = {
      ...world.parameters,
      '/herald/qa/slack/releases': { type: 'SecureString', value: slack.webhookUrl },
      '/herald/qa/slack/alerts': { type: 'SecureString', value: slack.webhookUrl },
    };
    slack.script({ status: 200, body: 'ok' }, { status: 404, body: 'no_service' });

    const { lines, exitCode } = await doctor(world, WEBHOOK_FILE, {
      post: true,
      isWebhookUrl: (url) => url.startsWith(`${slack.url}/services/`),
    });

    expect(lines).toContain(
      `✗ Slack refused the test message for channel "alerts" (HTTP 404 no_service): the webhook was removed or its channel archived: create a new one and aws ssm put-parameter --name /herald/qa/slack/alerts --type SecureString --overwrite --value 'https://hooks.slack.com/services/…'`,
    );
    expect(exitCode).toBe(1);
  });

  it('never posts to a URL that is not well formed, even with --post', async () => {
    const world = healthy();
    world.parameters = {
      ...world.parameters,
      '/herald/qa/slack/releases': { type: 'SecureString', value: slack.webhookUrl },
      '/herald/qa/slack/alerts': { type: 'SecureString', value: slack.webhookUrl },
    };

    const { lines } = await doctor(world, WEBHOOK_FILE, { post: true });

    expect(slack.requests).toEqual([]);
    expect(lines.filter((line) => line.startsWith('✗'))).toHaveLength(2);
  });
});

describe('doctor: the Slack app', () => {
  it('checks the bot token (auth.test) and the bot in each channel (conversations.info)', async () => {
    slack.script(
      api({ ok: true, user: 'herald', team: 'Acme', user_id: 'U0HERALD' }),
      api({ ok: true, channel: { id: 'C0CHECKOUT', name: 'checkout', is_member: true } }),
      api({ ok: true, channel: { id: 'C0SEARCH01', name: 'search', is_member: true } }),
    );

    const { lines, exitCode } = await doctor(healthy(), APP_FILE);

    expect(lines).toEqual([
      '✓ SSM parameter /herald/qa/slack/bot-token (bot token) is a SecureString',
      '✓ the bot token in /herald/qa/slack/bot-token is valid (@herald in workspace Acme)',
      '✓ the bot is in channel "checkout" (C0CHECKOUT)',
      '✓ the bot is in channel "search" (C0SEARCH01)',
      ...HEALTHY_RULES_AND_QUEUE,
    ]);
    expect(exitCode).toBe(0);
    expect(slack.requests.map((request) => request.path)).toEqual([
      '/api/auth.test',
      '/api/conversations.info',
      '/api/conversations.info',
    ]);
    expect(slack.requests[1]?.json).toMatchObject({ channel: 'C0CHECKOUT' });
    expect(slack.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(lines.join('\n')).not.toContain(TOKEN);
  });

  it('says Slack refuses an invalid token, and checks no channel with it', async () => {
    slack.script(api({ ok: false, error: 'invalid_auth' }));

    const { lines, exitCode } = await doctor(healthy(), APP_FILE);

    expect(lines[1]).toBe(
      `✗ Slack refuses the bot token in /herald/qa/slack/bot-token (invalid_auth): reinstall the Slack app and put its Bot User OAuth Token in SSM: aws ssm put-parameter --name /herald/qa/slack/bot-token --type SecureString --overwrite --value 'xoxb-…'`,
    );
    expect(slack.requests.map((request) => request.path)).toEqual(['/api/auth.test']);
    expect(exitCode).toBe(1);
  });

  it('names a channel the bot is not in, and how to invite it', async () => {
    slack.script(
      api({ ok: true, user: 'herald', team: 'Acme' }),
      api({ ok: true, channel: { id: 'C0CHECKOUT', name: 'checkout', is_member: true } }),
      api({ ok: true, channel: { id: 'C0SEARCH01', name: 'search', is_member: false } }),
    );

    const { lines, exitCode } = await doctor(healthy(), APP_FILE);

    expect(lines).toContain(
      '✗ the bot is not in channel "search" (C0SEARCH01): invite it: type /invite @<your Herald app> in #search',
    );
    expect(exitCode).toBe(1);
  });

  it('says what it could not check when the app lacks channels:read, without failing', async () => {
    slack.script(
      api({ ok: true, user: 'herald', team: 'Acme' }),
      api({ ok: false, error: 'missing_scope', needed: 'channels:read' }),
      api({ ok: true, channel: { id: 'C0SEARCH01', name: 'search', is_member: true } }),
    );

    const { lines, exitCode } = await doctor(healthy(), APP_FILE);

    expect(lines[2]).toBe(
      '? could not check whether the bot is in channel "checkout" (C0CHECKOUT): the Slack app lacks the channels:read and groups:read scopes: add them to the app (OAuth & Permissions) and reinstall it, or run with --post to check by posting',
    );
    expect(exitCode).toBe(0);
  });

  it('with --post, posts to each app channel and names the one the bot cannot post in', async () => {
    slack.script(
      api({ ok: true, user: 'herald', team: 'Acme' }),
      api({ ok: false, error: 'missing_scope' }),
      api({ ok: true, channel: 'C0CHECKOUT', ts: '1795000001.000100' }),
      api({ ok: false, error: 'missing_scope' }),
      api({ ok: false, error: 'not_in_channel' }),
    );

    const { lines, exitCode } = await doctor(healthy(), APP_FILE, { post: true });

    expect(slack.requests.map((request) => request.path)).toEqual([
      '/api/auth.test',
      '/api/conversations.info',
      '/api/chat.postMessage',
      '/api/conversations.info',
      '/api/chat.postMessage',
    ]);
    expect(slack.requests[2]?.json).toMatchObject({
      channel: 'C0CHECKOUT',
      text: 'Herald doctor: this channel is reachable (stage qa)',
    });
    expect(lines).toContain('✓ Slack took the test message for channel "checkout" (C0CHECKOUT)');
    expect(lines).toContain(
      '✗ Slack refused the test message for channel "search" (C0SEARCH01) (not_in_channel): invite the bot: type /invite @<your Herald app> in that channel',
    );
    expect(exitCode).toBe(1);
  });
});

describe('doctor: EventBridge rules and the failed-events queue', () => {
  it('names a disabled rule and how to enable it', async () => {
    const world = healthy();
    world.rules = [...RULES, { name: 'herald-qa-ecs-rule-2', state: 'DISABLED' }];

    const { lines, exitCode } = await doctor(world);

    expect(lines).toContain(
      '✗ EventBridge rule herald-qa-ecs-rule-2 is DISABLED: aws events enable-rule --name herald-qa-ecs-rule-2',
    );
    expect(exitCode).toBe(1);
  });

  it('says to deploy when the stage has no rule at all (another stage’s rules do not count)', async () => {
    const world = healthy();
    world.rules = [
      { name: 'herald-qa2-codebuild-rule-1', state: 'ENABLED' },
      { name: 'herald-prod-codebuild-rule-1', state: 'ENABLED' },
    ];

    const { lines, exitCode } = await doctor(world);

    expect(lines).toContain('✗ no EventBridge rule named herald-qa-*: deploy with npx sls deploy --stage qa');
    expect(exitCode).toBe(1);
  });

  it('reads every page of rules, and names a rule the packaged stack has but AWS does not', async () => {
    const world = healthy();
    world.rules = ['codebuild', 'codecommit', 'codedeploy', 'ecs'].map((name) => ({
      name: `herald-qa-${name}-rule-1`,
      state: 'ENABLED',
    }));
    world.rulesPerPage = 3;

    const { lines, exitCode } = await doctor(world, WEBHOOK_FILE, {
      expectedRules: ['herald-qa-ecs-rule-1', 'herald-qa-codepipeline-rule-1'],
    });

    expect(lines).toContain('✓ EventBridge rule herald-qa-ecs-rule-1 is ENABLED');
    expect(lines).toContain(
      '✗ EventBridge rule herald-qa-codepipeline-rule-1 is missing (the packaged stack has it): deploy with npx sls deploy --stage qa',
    );
    expect(aws.calls.filter((call) => call === 'AWSEvents.ListRules')).toHaveLength(2);
    expect(exitCode).toBe(1);
  });

  it('counts the events waiting in the failed-events queue and says to redrive them', async () => {
    const world = healthy();
    world.queues = {
      'herald-qa-failed-events': [
        { id: 'm-1', body: '{}' },
        { id: 'm-2', body: '{}' },
      ],
    };

    const { lines, exitCode } = await doctor(world);

    expect(lines.at(-1)).toBe(
      "✗ 2 failed events wait in herald-qa-failed-events: fix the cause (the functions' logs say it), then npm run redrive -- --stage qa",
    );
    expect(exitCode).toBe(1);
  });

  it('says to deploy when the queue does not exist', async () => {
    const { lines, exitCode } = await doctor({ ...healthy(), queues: {} });

    expect(lines.at(-1)).toBe(
      '✗ queue herald-qa-failed-events does not exist: deploy with npx sls deploy --stage qa',
    );
    expect(exitCode).toBe(1);
  });
});

describe('npm run doctor', () => {
  const output: string[] = [];
  const print = (line: string) => output.push(line);
  const empty = mkdtempSync(join(tmpdir(), 'herald-doctor-'));

  beforeEach(() => {
    output.length = 0;
    process.env.AWS_ENDPOINT_URL = aws.url;
  });

  afterEach(() => {
    delete process.env.AWS_ENDPOINT_URL;
  });

  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('prints a header, one line per finding and a summary, and exits 0 when all is well', async () => {
    ROUTING_FILES.qa = WEBHOOK_FILE;
    aws.use(healthy());

    const code = await main(['--stage', 'qa'], { print, root: empty, env: {} });

    expect(output[0]).toBe('Herald doctor: stage qa, region eu-west-1');
    expect(output.at(-1)).toBe('Herald qa: 8 checks, no problem found.');
    expect(output).toHaveLength(10);
    expect(code).toBe(0);
  });

  it('exits 1 with the rule the packaged stack (build/sls/<stage>) names but AWS lacks', async () => {
    const root = mkdtempSync(join(tmpdir(), 'herald-doctor-'));
    mkdirSync(join(root, 'build', 'sls', 'qa'), { recursive: true });
    writeFileSync(
      join(root, 'build', 'sls', 'qa', 'cloudformation-template-update-stack.json'),
      JSON.stringify({
        Resources: {
          A: { Type: 'AWS::Events::Rule', Properties: { Name: 'herald-qa-codebuild-rule-1' } },
          B: { Type: 'AWS::Events::Rule', Properties: { Name: 'herald-qa-codedeploy-rule-1' } },
          C: { Type: 'AWS::Events::Rule', Properties: { ScheduleExpression: 'rate(1 minute)' } },
        },
      }),
    );
    ROUTING_FILES.qa = WEBHOOK_FILE;
    aws.use(healthy());

    const code = await main(['--stage', 'qa'], { print, root });
    rmSync(root, { recursive: true, force: true });

    expect(output).toContain(
      '✗ EventBridge rule herald-qa-codedeploy-rule-1 is missing (the packaged stack has it): deploy with npx sls deploy --stage qa',
    );
    expect(output.at(-1)).toBe('Herald qa: 9 checks, 1 problem.');
    expect(code).toBe(1);
  });

  it('prints a broken routing file’s error in one line and exits 1 without calling AWS', async () => {
    ROUTING_FILES.qa = { ...WEBHOOK_FILE, mutes: [] };
    const expected = (() => {
      try {
        loadRouting('qa');
        return 'loaded';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    aws.use(healthy());

    const code = await main(['--stage', 'qa'], { print, root: empty });

    expect(expected).toContain('config/routing/qa.json');
    expect(output).toEqual([`✗ ${expected}`]);
    expect(aws.calls).toEqual([]);
    expect(code).toBe(1);
  });

  it('prints its usage and exits 2 without a stage', async () => {
    expect(await main([], { print })).toBe(2);
    expect(await main(['--stage', 'qa', '--bogus'], { print })).toBe(2);
    expect(output).toEqual([
      'usage: npm run doctor -- --stage <stage> [--post] [--region <region>]',
      'usage: npm run doctor -- --stage <stage> [--post] [--region <region>]',
    ]);
  });

  it('as a command, exits 1 for a stage without a routing file', async () => {
    const run = promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['tools/doctor.ts', '--stage', 'nope'],
      { cwd: ROOT, env: { ...process.env, AWS_ENDPOINT_URL: aws.url }, timeout: 30_000 },
    );

    const failure = (await run.then(() => undefined).catch((error: unknown) => error)) as
      | { code?: number; stdout?: string }
      | undefined;

    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/^✗ No routing config for stage "nope": add config\/routing\/nope\.json/);
    expect(failure?.stdout?.trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('summarises findings in one line', () => {
    expect(
      summaryLine(
        [
          { status: 'ok', text: 'a' },
          { status: 'problem', text: 'b', fix: 'c' },
          { status: 'unchecked', text: 'd', fix: 'e' },
        ],
        'qa',
      ),
    ).toBe('Herald qa: 3 checks, 1 problem, 1 not checked.');
  });
});
