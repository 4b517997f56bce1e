/**
 * A Runtime for tests of the one pass: the real destination resolver over an SSM stand-in (a map of
 * parameter names to the local Slack server's webhooks), a recording log, and optionally the real
 * delivery log on a dynalite table.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { assembleRuntime, type Runtime } from '../../shared/flow/runtime';
import { readConfig } from '../../shared/lambda/config';
import type { RoutingConfig } from '../../shared/routing/schema';
import { type SlackServer, startSlackServer } from '../../testkit/slack-receiver';
import { type StateTableServer, startStateTable } from '../../testkit/state-table';
import { recordingLog } from './recording-log';

export const ROUTING: RoutingConfig = {
  channels: {
    releases: { webhookParameter: '/herald/t/slack/releases' },
    alerts: { webhookParameter: '/herald/t/slack/alerts' },
  },
  routes: [
    { channels: ['releases'] },
    { severities: ['failure'], channels: ['alerts'], mentions: ['<!here>'] },
  ],
  mute: ['codebuild:build.started'],
};

export interface TestRuntime {
  runtime: Runtime;
  lines: ReturnType<typeof recordingLog>['lines'];
  /** SSM parameters read, in order. */
  read: string[];
}

export function testRuntime(
  slack: SlackServer,
  options: {
    routing?: RoutingConfig;
    env?: NodeJS.ProcessEnv;
    parameters?: Record<string, string>;
    state?: { dynamo: Pick<DynamoDBClient, 'send'>; table: string; now?: () => number };
  } = {},
): TestRuntime {
  const { log, lines } = recordingLog();
  const parameters = options.parameters ?? {
    '/herald/t/slack/releases': `${slack.url}/services/T0/releases/x`,
    '/herald/t/slack/alerts': `${slack.url}/services/T0/alerts/x`,
  };
  const read: string[] = [];
  const runtime = assembleRuntime({
    config: readConfig({
      AWS_REGION: 'eu-west-1',
      HERALD_STAGE: 'stage',
      ...(options.state ? { HERALD_STATE_TABLE: options.state.table } : {}),
      ...options.env,
    }),
    routing: options.routing ?? ROUTING,
    readParameter: async (name) => {
      read.push(name);
      if (!(name in parameters))
        throw Object.assign(new Error('no such parameter'), { name: 'ParameterNotFound' });
      return parameters[name];
    },
    log,
    remainingMs: 6500,
    dynamo: options.state?.dynamo,
    now: options.state?.now,
  });
  return { runtime, lines, read };
}

/**
 * A local Slack receiver per test and one dynalite server per file, for tests of the one pass
 * that build their runtimes with `testRuntime`.
 */
export function useSlackAndState(): { slack(): SlackServer; state(): StateTableServer } {
  let slack: SlackServer | undefined;
  let state: StateTableServer | undefined;
  beforeAll(async () => {
    state = await startStateTable();
  });
  afterAll(async () => {
    await state?.close();
  });
  beforeEach(async () => {
    slack = await startSlackServer();
  });
  afterEach(async () => {
    await slack?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`the ${what} did not start`);
    return value;
  };
  return { slack: () => started(slack, 'Slack receiver'), state: () => started(state, 'state table') };
}
