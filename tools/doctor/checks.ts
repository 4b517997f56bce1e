/**
 * What `npm run doctor` checks of a deployed Herald, one small function per check, each taking the
 * clients it needs (tests hand in clients pointed at local stand-ins): the SSM parameters the
 * routing file names (present, SecureString), webhook URLs (well formed; a test message with
 * `--post`), the Slack app's bot token and channels, the stack's EventBridge rules, and the
 * failed-events queue. Every finding says how to fix it. No secret value is ever put in a finding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type EventBridgeClient, ListRulesCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { type Logger, LogLevel, WebClient } from '@slack/web-api';
import { IncomingWebhook } from '@slack/webhook';
import type { RoutingConfig } from '../../shared/routing/schema';
import { nodeFetch } from '../../shared/slack/fetch';
import { errorName, type Send, stopOnSetup } from '../lib/aws';

export type Status = 'ok' | 'problem' | 'unchecked';

export interface Finding {
  status: Status;
  text: string;
  /** How to fix it (problems and unchecked findings). */
  fix?: string;
}

const ok = (text: string): Finding => ({ status: 'ok', text });
const problem = (text: string, fix: string): Finding => ({ status: 'problem', text, fix });
const unchecked = (text: string, fix: string): Finding => ({ status: 'unchecked', text, fix });

/** A secret the routing file names: where it is kept and what it is for. */
export interface SecretParameter {
  name: string;
  /** e.g. `webhook of channel "releases"`. */
  role: string;
  kind: 'webhook' | 'bot-token' | 'signing-secret';
  channel?: string;
  /** False for a signing secret while no rule lists anyone who could click: missing is not yet wrong. */
  needed?: boolean;
}

/**
 * The SSM parameters a stage's routing file names, each once (loadRouting has filled in the
 * stage's defaults, so every webhook channel names its parameter).
 */
export function secretParameters(routing: RoutingConfig): SecretParameter[] {
  const found: SecretParameter[] = [];
  for (const [channel, target] of Object.entries(routing.channels))
    if ('webhookParameter' in target && target.webhookParameter)
      found.push({
        name: target.webhookParameter,
        role: `webhook of channel "${channel}"`,
        kind: 'webhook',
        channel,
      });
  if (routing.slack)
    found.push({ name: routing.slack.botTokenParameter, role: 'bot token', kind: 'bot-token' });
  // The signing secret matters once somebody can click: a first try lists no approvers yet.
  const deciders =
    (routing.approvals?.rules ?? []).some((r) => r.approvers.length + (r.approverGroups?.length ?? 0) > 0) ||
    (routing.rollbacks?.rules ?? []).some((r) => r.allowed.length + (r.allowedGroups?.length ?? 0) > 0);
  for (const name of [routing.approvals?.signingSecretParameter, routing.rollbacks?.signingSecretParameter])
    if (name) found.push({ name, role: 'signing secret', kind: 'signing-secret', needed: deciders });
  return found.filter((parameter, index) => found.findIndex((p) => p.name === parameter.name) === index);
}

const putSecure = (name: string, value: string) =>
  `aws ssm put-parameter --name ${name} --type SecureString --overwrite --value '${value}'`;

const placeholder = (kind: SecretParameter['kind']) =>
  kind === 'webhook'
    ? 'https://hooks.slack.com/services/…'
    : kind === 'bot-token'
      ? 'xoxb-…'
      : '<the Slack app signing secret>';

/** A parameter's finding, and whether it exists (its value can be checked further). */
export type ParameterFinding = Finding & { exists: boolean };

/** Exists and is a SecureString (read without decryption: nothing secret comes back). */
export async function checkParameter(
  ssm: Send<SSMClient>,
  parameter: SecretParameter,
): Promise<ParameterFinding> {
  const { name, role, kind } = parameter;
  try {
    const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: false }));
    const type = answer.Parameter?.Type;
    if (type === 'SecureString')
      return { ...ok(`SSM parameter ${name} (${role}) is a SecureString`), exists: true };
    const plain = problem(
      `SSM parameter ${name} (${role}) is a ${type ?? 'parameter of unknown type'}, not a SecureString`,
      `delete it and put it again encrypted: aws ssm delete-parameter --name ${name} && aws ssm put-parameter --name ${name} --type SecureString --value '${placeholder(kind)}'`,
    );
    return { ...plain, exists: true };
  } catch (error) {
    stopOnSetup(error);
    if (errorName(error) === 'ParameterNotFound' && parameter.needed === false)
      return {
        ...unchecked(
          `SSM parameter ${name} (${role}) does not exist yet; no rule lists anyone who may approve or roll back from Slack, so nothing needs it now`,
          `before listing approvers: aws ssm put-parameter --name ${name} --type SecureString --value '${placeholder(kind)}'`,
        ),
        exists: false,
      };
    if (errorName(error) === 'ParameterNotFound')
      return {
        ...problem(
          `SSM parameter ${name} (${role}) does not exist`,
          `aws ssm put-parameter --name ${name} --type SecureString --value '${placeholder(kind)}'`,
        ),
        exists: false,
      };
    return {
      ...problem(
        `SSM parameter ${name} (${role}) could not be read (${errorName(error)})`,
        'your credentials need ssm:GetParameter on it',
      ),
      exists: false,
    };
  }
}

/** A parameter's decrypted value, for checks that need it; never printed. */
async function secretValue(ssm: Send<SSMClient>, name: string): Promise<string | undefined> {
  const answer = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return answer.Parameter?.Value;
}

/** A Slack incoming webhook URL: https://hooks.slack.com/services/T…/B…/… */
export const SLACK_WEBHOOK_URL =
  /^https:\/\/hooks\.slack\.com\/services\/[A-Z0-9]+\/[A-Z0-9]+\/[A-Za-z0-9]+$/;

/** Posts a plain text message to a webhook; throws what @slack/webhook throws. */
export type WebhookPoster = (url: string, text: string) => Promise<void>;

export const postWebhookText: WebhookPoster = async (url, text) => {
  await new IncomingWebhook(url, { fetch: nodeFetch, timeout: 10_000, retryConfig: { retries: 0 } }).send({
    text,
  });
};

/** Slack's answer to a refused webhook post: its status and code (never the URL). */
function webhookRefusal(error: unknown): string {
  const failed = error as { statusCode?: unknown; body?: unknown; original?: unknown };
  if (typeof failed.statusCode === 'number')
    return `HTTP ${failed.statusCode} ${String(failed.body ?? '')
      .trim()
      .slice(0, 60)}`.trim();
  return `unreachable: ${errorName(failed.original ?? error)}`;
}

export interface WebhookOptions {
  /** Send one test message (`--post`). */
  post?: { stage: string; poster: WebhookPoster };
  /** What counts as a well-formed webhook URL (tests accept the local Slack receiver). */
  isWebhookUrl?: (url: string) => boolean;
}

export const testMessage = (stage: string) => `Herald doctor: this channel is reachable (stage ${stage})`;

/** The webhook URL is well formed and, with `--post`, Slack takes a test message. */
export async function checkWebhook(
  ssm: Send<SSMClient>,
  parameter: SecretParameter,
  options: WebhookOptions = {},
): Promise<Finding[]> {
  const { name, channel } = parameter;
  const isWebhookUrl = options.isWebhookUrl ?? ((url: string) => SLACK_WEBHOOK_URL.test(url));
  let url: string | undefined;
  try {
    url = await secretValue(ssm, name);
  } catch (error) {
    stopOnSetup(error);
    return [
      problem(
        `the webhook URL of channel "${channel}" in ${name} could not be decrypted (${errorName(error)})`,
        "your credentials need kms:Decrypt on the parameter's key",
      ),
    ];
  }
  if (!url || !isWebhookUrl(url.trim()))
    return [
      problem(
        `the value of ${name} (channel "${channel}") is not a Slack webhook URL (https://hooks.slack.com/services/…)`,
        `copy the channel's URL from the Slack app's Incoming Webhooks page: ${putSecure(name, 'https://hooks.slack.com/services/…')}`,
      ),
    ];
  const wellFormed = ok(`the webhook URL of channel "${channel}" is well formed`);
  if (!options.post) return [wellFormed];
  try {
    await options.post.poster(url.trim(), testMessage(options.post.stage));
    return [wellFormed, ok(`Slack took the test message for channel "${channel}"`)];
  } catch (error) {
    return [
      wellFormed,
      problem(
        `Slack refused the test message for channel "${channel}" (${webhookRefusal(error)})`,
        `the webhook was removed or its channel archived: create a new one and ${putSecure(name, 'https://hooks.slack.com/services/…')}`,
      ),
    ];
  }
}

/** A Slack Web API client without retries or console output, pointed at `apiUrl` when given. */
export function slackClient(token: string, apiUrl?: string): WebClient {
  const silent: Logger = {
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    setLevel: () => undefined,
    getLevel: () => LogLevel.ERROR,
    setName: () => undefined,
  };
  return new WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/` } : {}),
    fetch: nodeFetch,
    timeout: 10_000,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: silent,
  });
}

export type SlackWebApi = Pick<WebClient, 'auth' | 'conversations' | 'chat'>;

/** Slack's error code of a failed Web API call (`invalid_auth`, `not_in_channel`, …). */
export function slackError(error: unknown): string {
  const failed = error as { data?: { error?: unknown }; statusCode?: unknown; original?: unknown };
  if (typeof failed.data?.error === 'string') return failed.data.error;
  if (typeof failed.statusCode === 'number') return `HTTP ${failed.statusCode}`;
  return `unreachable: ${errorName(failed.original ?? error)}`;
}

const TOKEN_REFUSED = new Set([
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'account_inactive',
]);

/** The bot token works (auth.test); the client to check channels with, when it does. */
export async function checkBotToken(
  ssm: Send<SSMClient>,
  parameter: SecretParameter,
  clientFor: (token: string) => SlackWebApi,
): Promise<{ finding: Finding; client?: SlackWebApi }> {
  const { name } = parameter;
  let token: string | undefined;
  try {
    token = await secretValue(ssm, name);
  } catch (error) {
    stopOnSetup(error);
    return {
      finding: problem(
        `the bot token in ${name} could not be decrypted (${errorName(error)})`,
        "your credentials need kms:Decrypt on the parameter's key",
      ),
    };
  }
  const reinstall = `reinstall the Slack app and put its Bot User OAuth Token in SSM: ${putSecure(name, 'xoxb-…')}`;
  if (!token?.trim()) return { finding: problem(`the bot token in ${name} is empty`, reinstall) };
  const client = clientFor(token.trim());
  try {
    const answer = await client.auth.test();
    const who = [answer.user && `@${answer.user}`, answer.team && `in workspace ${answer.team}`]
      .filter(Boolean)
      .join(' ');
    return { finding: ok(`the bot token in ${name} is valid${who ? ` (${who})` : ''}`), client };
  } catch (error) {
    const code = slackError(error);
    if (TOKEN_REFUSED.has(code))
      return { finding: problem(`Slack refuses the bot token in ${name} (${code})`, reinstall) };
    return {
      finding: problem(`the bot token in ${name} could not be checked (${code})`, 'run the doctor again'),
    };
  }
}

/** The bot is a member of the channel (conversations.info → channel.is_member). */
export async function checkChannel(
  client: SlackWebApi,
  channel: string,
  channelId: string,
  stage: string,
): Promise<Finding> {
  const who = `channel "${channel}" (${channelId})`;
  try {
    const answer = await client.conversations.info({ channel: channelId });
    const name = answer.channel?.name ? `#${answer.channel.name}` : 'the channel';
    if (answer.channel?.is_archived)
      return problem(
        `${who} is archived`,
        `unarchive it, or give "${channel}" another channelId in config/routing/${stage}.json`,
      );
    if (answer.channel?.is_member !== true)
      return problem(`the bot is not in ${who}`, `invite it: type /invite @<your Herald app> in ${name}`);
    return ok(`the bot is in ${who}`);
  } catch (error) {
    const code = slackError(error);
    if (code === 'missing_scope')
      return unchecked(
        `could not check whether the bot is in ${who}: the Slack app lacks the channels:read and groups:read scopes`,
        'add them to the app (OAuth & Permissions) and reinstall it, or run with --post to check by posting',
      );
    if (code === 'channel_not_found')
      return problem(
        `Slack does not know ${who}, or it is private and the bot is not in it`,
        `check the id in config/routing/${stage}.json (channel details, bottom), then invite the bot`,
      );
    return problem(`could not check ${who} (${code})`, 'run the doctor again');
  }
}

/** With `--post`: one test message to an app channel (chat.postMessage). */
export async function postToChannel(
  client: SlackWebApi,
  channel: string,
  channelId: string,
  stage: string,
): Promise<Finding> {
  const who = `channel "${channel}" (${channelId})`;
  try {
    await client.chat.postMessage({ channel: channelId, text: testMessage(stage) });
    return ok(`Slack took the test message for ${who}`);
  } catch (error) {
    const code = slackError(error);
    const fix =
      code === 'not_in_channel' || code === 'channel_not_found'
        ? 'invite the bot: type /invite @<your Herald app> in that channel'
        : code === 'is_archived'
          ? `unarchive it, or give "${channel}" another channelId in config/routing/${stage}.json`
          : 'run the doctor again';
    return problem(`Slack refused the test message for ${who} (${code})`, fix);
  }
}

/** The stack's rules are named `herald-<stage>-…` (function rules, and CloudFormation's own names). */
export const rulePrefix = (stage: string) => `herald-${stage}-`;

/** The EventBridge rule names of a packaged stack (build/sls/<stage>), when it was packaged. */
export function packagedRuleNames(stage: string, root = join(__dirname, '..', '..')): string[] {
  const path = join(root, 'build', 'sls', stage, 'cloudformation-template-update-stack.json');
  if (!existsSync(path)) return [];
  try {
    const template = JSON.parse(readFileSync(path, 'utf8')) as {
      Resources?: Record<string, { Type?: string; Properties?: { Name?: unknown } }>;
    };
    return Object.values(template.Resources ?? {})
      .filter((resource) => resource.Type === 'AWS::Events::Rule')
      .map((resource) => resource.Properties?.Name)
      .filter((name): name is string => typeof name === 'string');
  } catch {
    return [];
  }
}

async function listRules(events: Send<EventBridgeClient>, prefix: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let token: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ NamePrefix: prefix, NextToken: token }));
    rules.push(...(page.Rules ?? []));
    token = page.NextToken;
  } while (token);
  return rules;
}

/** Every rule of the stack exists (those the packaged template names) and is enabled. */
export async function checkRules(
  events: Send<EventBridgeClient>,
  stage: string,
  expected: string[] = [],
): Promise<Finding[]> {
  const prefix = rulePrefix(stage);
  const deploy = `deploy with npx sls deploy --stage ${stage}`;
  let rules: Rule[];
  try {
    rules = await listRules(events, prefix);
  } catch (error) {
    stopOnSetup(error);
    return [
      problem(
        `the EventBridge rules could not be listed (${errorName(error)})`,
        'your credentials need events:ListRules',
      ),
    ];
  }
  if (rules.length === 0) return [problem(`no EventBridge rule named ${prefix}*`, deploy)];
  const findings = rules.map((rule) =>
    rule.State?.startsWith('ENABLED')
      ? ok(`EventBridge rule ${rule.Name} is ${rule.State}`)
      : problem(
          `EventBridge rule ${rule.Name} is ${rule.State ?? 'in an unknown state'}`,
          `aws events enable-rule --name ${rule.Name}`,
        ),
  );
  const names = new Set(rules.map((rule) => rule.Name));
  for (const name of expected)
    if (!names.has(name))
      findings.push(problem(`EventBridge rule ${name} is missing (the packaged stack has it)`, deploy));
  return findings;
}

/** `herald-<stage>-failed-events` (resources/herald-core.yml's FailedEventsQueue). */
export const failedEventsQueue = (stage: string) => `herald-${stage}-failed-events`;

/** The failed-events queue exists and holds nothing. */
export async function checkFailedEvents(sqs: Send<SQSClient>, stage: string): Promise<Finding> {
  const queue = failedEventsQueue(stage);
  try {
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    const waiting = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
    if (waiting === 0) return ok(`queue ${queue} is empty`);
    return problem(
      `${waiting} failed event${waiting === 1 ? '' : 's'} wait${waiting === 1 ? 's' : ''} in ${queue}`,
      `fix the cause (the functions' logs say it), then npm run redrive -- --stage ${stage}`,
    );
  } catch (error) {
    stopOnSetup(error);
    if (/QueueDoesNotExist|NonExistentQueue/.test(errorName(error)))
      return problem(`queue ${queue} does not exist`, `deploy with npx sls deploy --stage ${stage}`);
    return problem(
      `queue ${queue} could not be read (${errorName(error)})`,
      'your credentials need sqs:GetQueueUrl and sqs:GetQueueAttributes on it',
    );
  }
}

export interface DoctorClients {
  ssm: Send<SSMClient>;
  events: Send<EventBridgeClient>;
  sqs: Send<SQSClient>;
  slack: (token: string) => SlackWebApi;
}

export interface DoctorOptions extends Pick<WebhookOptions, 'isWebhookUrl'> {
  stage: string;
  routing: RoutingConfig;
  /** Send a test message to each channel. */
  post?: boolean;
  poster?: WebhookPoster;
  /** Rule names the stack should have (packagedRuleNames). */
  expectedRules?: string[];
}

/** The Slack app's checks: the token, then each channel by id. */
async function checkApp(clients: DoctorClients, options: DoctorOptions, token: SecretParameter) {
  const { finding, client } = await checkBotToken(clients.ssm, token, clients.slack);
  const findings = [finding];
  if (!client) return findings;
  for (const [channel, target] of Object.entries(options.routing.channels)) {
    if (!('channelId' in target)) continue;
    const member = await checkChannel(client, channel, target.channelId, options.stage);
    findings.push(member);
    if (options.post && member.status !== 'problem')
      findings.push(await postToChannel(client, channel, target.channelId, options.stage));
  }
  return findings;
}

/** Every check, in order: secrets, webhooks, the Slack app, rules, the failed-events queue. */
export async function runChecks(clients: DoctorClients, options: DoctorOptions): Promise<Finding[]> {
  const findings: Finding[] = [];
  const parameters = secretParameters(options.routing);
  const post = options.post ? { stage: options.stage, poster: options.poster ?? postWebhookText } : undefined;
  for (const parameter of parameters) {
    const { exists, ...stored } = await checkParameter(clients.ssm, parameter);
    findings.push(stored);
    if (!exists) continue;
    if (parameter.kind === 'webhook')
      findings.push(
        ...(await checkWebhook(clients.ssm, parameter, { post, isWebhookUrl: options.isWebhookUrl })),
      );
    if (parameter.kind === 'bot-token') findings.push(...(await checkApp(clients, options, parameter)));
  }
  findings.push(...(await checkRules(clients.events, options.stage, options.expectedRules)));
  findings.push(await checkFailedEvents(clients.sqs, options.stage));
  return findings;
}

const MARK: Record<Status, string> = { ok: '✓', problem: '✗', unchecked: '?' };

/** One line: `✓ text`, or `✗ text: fix`. */
export function findingLine(finding: Finding): string {
  return `${MARK[finding.status]} ${finding.text}${finding.fix ? `: ${finding.fix}` : ''}`;
}

export function summaryLine(findings: Finding[], stage: string): string {
  const problems = findings.filter((f) => f.status === 'problem').length;
  const notChecked = findings.filter((f) => f.status === 'unchecked').length;
  const aside = notChecked > 0 ? `, ${notChecked} not checked` : '';
  return problems === 0
    ? `Herald ${stage}: ${findings.length} checks, no problem found${aside}.`
    : `Herald ${stage}: ${findings.length} checks, ${problems} problem${problems === 1 ? '' : 's'}${aside}.`;
}

export const exitCodeOf = (findings: Finding[]) => (findings.some((f) => f.status === 'problem') ? 1 : 0);
