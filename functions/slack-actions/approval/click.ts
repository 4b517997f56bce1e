/**
 * A click on Approve / Reject: authorise (rule, approvers, groups, no self-approval) → record in
 * CodePipeline → show the outcome in place of the buttons (and on the release card).
 */
import { codePipelineDecisionClient } from '../../../shared/aws/clients';
import type { RoutingConfig } from '../../../shared/routing/schema';
import { groupsOf } from '../click/groups';
import { type Click, whereOf } from '../click/schema';
import { type ShowOptions, showOutcome } from '../click/show';
import { authorise, commentOf, ephemeralReply, outcomeMessage } from './decide';
import { recordDecision } from './record';

export async function handleApprovalClick(
  click: Click,
  routing: RoutingConfig,
  show: ShowOptions,
  now: Date,
): Promise<void> {
  const { value, payload } = click;
  const allowed = authorise(click, routing, await groupsOf(click, routing, show));
  if (!allowed.ok) {
    show.log.warn('Refused an approval click', { ...whereOf(click), outcome: allowed.outcome.kind });
    await showOutcome(click, ephemeralReply(allowed.outcome, value.environment), undefined, show);
    return;
  }
  const comment = commentOf(payload);
  const deps = { codePipeline: codePipelineDecisionClient(), log: show.log, nowMs: now.getTime() };
  const outcome = await recordDecision(click, allowed.decision, comment, deps);
  const message =
    outcome.kind === 'failed'
      ? ephemeralReply(outcome, value.environment)
      : outcomeMessage(payload, value, outcome, allowed.decision, comment, now);
  await showOutcome(click, message, { outcome, decision: allowed.decision, comment, now }, show);
}
