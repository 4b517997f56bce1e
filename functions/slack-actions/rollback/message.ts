/**
 * What a bake-window click shows: the outcome in place of the buttons (a decision made, or a
 * window that is over, so that nobody clicks a stale button again), or a line only the clicker
 * sees when nothing about the deployment changed (not allowed, not ready yet, a fault).
 */
import { taskDefinitionName } from '../../../shared/aws/arn';
import { formatUtcClock, parseAwsDate } from '../../../shared/input/time';
import { environmentOf } from '../../../shared/routing/route';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackMessage } from '../../../shared/slack/message';
import { escapeText } from '../../../shared/slack/text';
import type { BakeClick } from '../click/schema';
import { ephemeral, settledMessage } from '../click/settle';
import type { BakeOutcome } from './decide';

const NOTHING = 'Nothing was changed.';

function at(iso: string | undefined): string {
  const date = parseAwsDate(iso);
  return date ? formatUtcClock(date) : 'an earlier time';
}

export function bakeMessage(click: BakeClick, outcome: BakeOutcome, routing: RoutingConfig): SlackMessage {
  const { value, payload } = click;
  const environment = environmentOf(value.group, routing) ?? value.group;
  const what = value.service?.split('/').pop() ?? value.application;
  const original = value.original ? taskDefinitionName(value.original) : undefined;
  const settle = (headline: string, line: string, fallback: string) =>
    settledMessage(payload, {
      headline,
      line,
      fallback,
      title: `*${escapeText(what)}* in ${escapeText(environment)} · \`${value.deployment}\``,
    });
  switch (outcome.kind) {
    case 'done': {
      const { decision } = outcome;
      const reason = decision.reason ? `: ${escapeText(decision.reason)}` : '';
      const by = `by <@${decision.userId}> at ${at(decision.at)}${reason}`;
      if (outcome.action === 'rollback')
        return settle(
          `:leftwards_arrow_with_hook: Rolling back: ${what} in ${environment}`,
          `:leftwards_arrow_with_hook: *Rolled back* ${by}. Traffic returns to the original task set${original ? ` (${escapeText(original)})` : ''}; the rollback's progress follows here.`,
          `Rolled back by ${decision.name}`,
        );
      return settle(
        `:fast_forward: Bake ended early: ${what} in ${environment}`,
        `:fast_forward: *Finished now* ${by}. The original task set${original ? ` (${escapeText(original)})` : ''} is being terminated.`,
        `Finished now by ${decision.name}`,
      );
    }
    // A refused click answers only the person who clicked: the message stays as everyone sees it.
    case 'already': {
      const earlier = outcome.earlier;
      const done = earlier?.action === 'finish' ? 'finished early' : 'rolled back';
      return ephemeral(
        `This deployment was already ${done} from Slack${earlier ? ` by <@${earlier.userId}> at ${at(earlier.at)}` : ''}. ${NOTHING}`,
      );
    }
    case 'window-over':
      return ephemeral(
        `The bake window ended at ${at(outcome.until)}: the original task set is gone, so there is nothing to roll back to from here. ${NOTHING}`,
      );
    case 'moved-on':
      return ephemeral(
        `${value.deployment} is no longer in its bake window (CodeDeploy says ${outcome.status})${outcome.current ? `; ${outcome.current} is in progress now: use its message` : ''}. ${NOTHING}`,
      );
    case 'gone':
      return ephemeral(`CodeDeploy no longer knows ${value.deployment}. ${NOTHING}`);
    case 'no-rule':
      return ephemeral(
        `No rollback rule of Herald covers ${value.group}, so nobody can decide it from Slack. ${NOTHING}`,
      );
    case 'not-allowed':
      return ephemeral(
        `You are not allowed to roll back or finish deployments in ${outcome.environment}. ${NOTHING}`,
      );
    case 'not-baking':
      return ephemeral(
        `${value.deployment} is not waiting in its bake window (CodeDeploy says ${outcome.status}). ${NOTHING}`,
      );
    case 'mismatch':
      return ephemeral(`This button does not match the deployment CodeDeploy knows. ${NOTHING}`);
    case 'failed':
      return ephemeral(
        `Herald could not reach CodeDeploy (${outcome.error}; it was logged). ${NOTHING} Please try again in a moment.`,
      );
  }
}
