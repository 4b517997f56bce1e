/**
 * Clicks in app mode with Slack user groups: the bot token and the local Web API for the tests of
 * a describe block, and Slack's answer to `usergroups.users.list`.
 */

import { resetForTests } from '../../shared/lambda/container';
import type { SlackServer } from '../../testkit/slack-receiver';

const APP_MODE = ['SLACK_BOT_TOKEN', 'SLACK_CHANNEL', 'SLACK_API_URL'];

/** Slack's answer naming the members of a user group. */
export function groupMembers(users: string[]) {
  return {
    status: 200,
    body: JSON.stringify({ ok: true, users }),
    headers: { 'content-type': 'application/json' },
  };
}

/** App mode (a bot token, a channel, the local Web API) for every test of the calling block. */
export function useAppMode(slack: () => SlackServer): void {
  beforeEach(() => {
    Object.assign(process.env, {
      SLACK_BOT_TOKEN: 'xoxb-local-groups-test-0000',
      SLACK_CHANNEL: 'C0RELEASES',
      SLACK_API_URL: `${slack().url}/api/`,
    });
    resetForTests();
  });
  afterEach(() => {
    for (const name of APP_MODE) delete process.env[name];
  });
}
