/**
 * What every handler test needs: a real local Slack server the handler posts to through
 * SLACK_WEBHOOK_URL, a fresh container per test (`resetForTests`), optionally Herald's state
 * table on dynalite (a new, empty table per test), and the logs of each run.
 */
import type { Context } from 'aws-lambda';
import { resetForTests } from '../../shared/lambda/container';
import type { SlackMessage } from '../../shared/slack/message';
import { type SlackServer, startSlackServer } from '../../testkit/slack-receiver';
import { type StateTableServer, startStateTable } from '../../testkit/state-table';
import { captureLogs, lambdaContext } from './lambda';

export interface HandlerRig {
  slack(): SlackServer;
  /** The dynalite server behind the state table (with `stateTable: true`). */
  state(): StateTableServer;
  /** Runs the handler on an event; resolves with the messages it posted and its log lines. */
  run(
    event: unknown,
    remainingMs?: number,
  ): Promise<{ messages: SlackMessage[]; logs: Array<Record<string, unknown>> }>;
  /** Runs the handler on several events at once (racing invocations), under one log capture. */
  race(events: unknown[]): Promise<{ messages: SlackMessage[]; logs: Array<Record<string, unknown>> }>;
  /** Runs the rest of the test as Herald's `stage` (its routing file applies); undone after the test. */
  useStage(stage: string): void;
}

export interface RigOptions {
  /** Herald's state table on dynalite: the ECS flood gate, and the delivery log with `deliveryLog`. */
  stateTable?: boolean;
  deliveryLog?: boolean;
}

export function useHandlerRig(
  handler: (event: unknown, context: Context) => Promise<unknown>,
  options: RigOptions = {},
): HandlerRig {
  let slack: SlackServer | undefined;
  let state: StateTableServer | undefined;
  beforeAll(async () => {
    slack = await startSlackServer();
    if (options.stateTable) state = await startStateTable();
  });
  afterAll(async () => {
    await slack?.close();
    await state?.close();
  });
  beforeEach(async () => {
    if (!slack) throw new Error('the Slack server did not start');
    slack.reset();
    process.env.SLACK_WEBHOOK_URL = slack.webhookUrl;
    if (state) {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = state.endpoint;
      process.env.HERALD_STATE_TABLE = await state.createTable();
    }
    if (options.deliveryLog) delete process.env.POWERTOOLS_IDEMPOTENCY_DISABLED;
    resetForTests();
  });
  afterEach(() => {
    delete process.env.SLACK_WEBHOOK_URL;
    delete process.env.HERALD_STATE_TABLE;
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.POWERTOOLS_IDEMPOTENCY_DISABLED = 'true';
    process.env.HERALD_STAGE = 'stage';
    resetForTests();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (!value) throw new Error(`the ${what} did not start`);
    return value;
  };
  return {
    useStage: (stage) => {
      process.env.HERALD_STAGE = stage;
      resetForTests();
    },
    slack: () => started(slack, 'Slack server'),
    state: () => started(state, 'state table'),
    run: (event, remainingMs) => runAll([event], remainingMs),
    race: (events) => runAll(events),
  };

  async function runAll(events: unknown[], remainingMs?: number) {
    const receiver = started(slack, 'Slack server');
    const before = receiver.requests.length;
    const logs = captureLogs();
    try {
      await Promise.all(events.map((event) => handler(event, lambdaContext(remainingMs))));
    } finally {
      logs.restore();
    }
    return { messages: receiver.messages().slice(before), logs: logs.lines() };
  }
}
