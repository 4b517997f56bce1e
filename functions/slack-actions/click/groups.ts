/**
 * Step 3 of a click, the part that needs Slack: which of a rule's user groups (approvers, people
 * who may roll back) the clicker is in (app mode: `usergroups.users.list` with the bot token, each
 * group's members kept a minute). Without a bot token, or should Slack not answer in time, the
 * clicker is in none: fail closed.
 */
import { awsErrorName } from '../../../shared/aws/clients';
import { keep } from '../../../shared/lambda/container';
import { botToken, noToken, type ShowOptions } from './show';

const MEMBERS_SECONDS = 60;
const members = keep<string, { users: Set<string>; until: number }>();

/** Which of these user groups a Slack user is in (none without the bot token: fail closed). */
export async function membershipOf(
  userId: string,
  groups: Array<{ slackGroupId: string }>,
  options: ShowOptions,
): Promise<Set<string>> {
  const found = new Set<string>();
  if (groups.length === 0) return found;
  const token = await botToken(options).catch(noToken(options));
  if (!token) {
    options.log.warn('User groups need the Slack app (a bot token); nobody is in them', { user: userId });
    return found;
  }
  const { listGroupMembers } = await import('../../../shared/slack/web-api');
  for (const { slackGroupId: group } of groups) {
    let entry = members.get(group);
    if (!entry || entry.until < Date.now()) {
      try {
        const users = await listGroupMembers(
          { token, group, apiUrl: options.config.slackApiUrl },
          {
            deadline: options.deadline,
            target: `user group ${group}`,
            log: options.log,
            requestTimeoutMs: 1000,
          },
        );
        entry = { users: new Set(users), until: Date.now() + MEMBERS_SECONDS * 1000 };
        members.set(group, entry);
      } catch (error) {
        options.log.warn('Could not read a user group; its members cannot decide now', {
          group,
          error: awsErrorName(error),
          slackError: (error as { code?: unknown }).code,
        });
        continue;
      }
    }
    if (entry.users.has(userId)) found.add(group);
  }
  return found;
}
