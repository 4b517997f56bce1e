/**
 * What every handler test needs: a real local Slack server the handler posts to through
 * SLACK_WEBHOOK_URL, fresh configuration per test, and the logs of each run.
 */
import type { Context } from 'aws-lambda';
import { type SlackServer, startSlackServer } from '../../dev/slack-receiver';
import { resetConfigForTests } from '../../shared/config';
import { resetRoutingForTests } from '../../shared/runtime';
import type { SlackMessage } from '../../shared/slack/message';
import { resetWebhookCacheForTests } from '../../shared/slack/webhooks';
import { captureLogs, lambdaContext } from './lambda';

export interface HandlerRig {
  slack(): SlackServer;
  /** Runs the handler on an event; resolves with the messages it posted and its log lines. */
  run(
    event: unknown,
    remainingMs?: number,
  ): Promise<{ messages: SlackMessage[]; logs: Array<Record<string, unknown>> }>;
  /** Runs the rest of the test as Herald's `stage` (its routing file applies); undone after the test. */
  useStage(stage: string): void;
}

export function useHandlerRig(handler: (event: unknown, context: Context) => Promise<unknown>): HandlerRig {
  let slack: SlackServer | undefined;
  beforeAll(async () => {
    slack = await startSlackServer();
  });
  afterAll(async () => {
    await slack?.close();
  });
  beforeEach(() => {
    if (!slack) throw new Error('the Slack server did not start');
    slack.reset();
    process.env.SLACK_WEBHOOK_URL = slack.webhookUrl;
    resetConfigForTests();
    resetWebhookCacheForTests();
    resetRoutingForTests();
  });
  afterEach(() => {
    delete process.env.SLACK_WEBHOOK_URL;
    process.env.HERALD_STAGE = 'stage';
  });
  return {
    useStage: (stage) => {
      process.env.HERALD_STAGE = stage;
      resetConfigForTests();
      resetRoutingForTests();
    },
    slack: () => {
      if (!slack) throw new Error('the Slack server did not start');
      return slack;
    },
    run: async (event, remainingMs) => {
      if (!slack) throw new Error('the Slack server did not start');
      const before = slack.requests.length;
      const logs = captureLogs();
      try {
        await handler(event, lambdaContext(remainingMs));
      } finally {
        logs.restore();
      }
      return { messages: slack.messages().slice(before), logs: logs.lines() };
    },
  };
}
