/**
 * App mode: a decision made from Slack shows on its release card (the stage says who decided,
 * when, and why; its buttons close), through the release's state like every other step.
 */
import { awsErrorName, dynamoClient } from '../../../shared/aws/clients';
import type { ReleaseStep } from '../../../shared/notice/notice';
import { updateRelease } from '../../../shared/releases/deliver';
import { appDestination } from '../../../shared/slack/destinations';
import type { ReleaseLink } from '../../../shared/state/releases';
import type { ShowOptions } from './show';

/** A release card's step after a decision from Slack (app mode, with the state table). */
export async function showOnCard(
  link: ReleaseLink,
  step: ReleaseStep,
  token: string,
  where: Record<string, string>,
  options: ShowOptions,
  /** The message clicked: it shows the outcome already. */
  clickedTs?: string,
): Promise<void> {
  const table = options.config.stateTable;
  if (!table) return;
  // The release is known (the button named it, or the deployment's link): it is followed.
  const deps = {
    dynamo: dynamoClient(),
    table,
    follows: () => true,
    log: options.log,
    deadline: options.deadline,
    cardSpacingMs: options.config.cardSpacingMs,
  };
  await updateRelease(
    link,
    step,
    (channel) => appDestination(token, channel, options.config.slackApiUrl),
    deps,
    clickedTs,
  ).catch((error: unknown) =>
    options.log.warn('Release card not updated after the decision', { ...where, error: awsErrorName(error) }),
  );
}
