/**
 * A click on Approve / Reject: authorise (rule, approvers, groups, no self-approval) → record in
 * CodePipeline → show the outcome in place of the buttons (and on the release card).
 */
import { codePipelineDecisionClient } from '../../../shared/aws/clients';
import { ruleFor } from '../../../shared/decisions/approvals';
import { formatUtcClock } from '../../../shared/input/time';
import { truncate } from '../../../shared/notice/text';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackMessage } from '../../../shared/slack/message';
import { showOnCard } from '../click/card';
import { membershipOf } from '../click/groups';
import { type Click, whereOf } from '../click/schema';
import { replaceClicked, type ShowOptions } from '../click/show';
import { authorise, commentOf, type Decision, type Outcome } from './decide';
import { ephemeralReply, outcomeMessage } from './message';
import { recordDecision } from './record';

export async function handleApprovalClick(
  click: Click,
  routing: RoutingConfig,
  show: ShowOptions,
  now: Date,
): Promise<void> {
  const { value, payload } = click;
  const rule = ruleFor({ pipeline: value.pipeline, stage: value.stage, action: value.action }, routing);
  const groups = await membershipOf(payload.user.id, rule?.approverGroups ?? [], show);
  const allowed = authorise(click, routing, groups);
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

/** A decision CodePipeline was asked to record, and when (the handler's clock). */
export interface Decided {
  outcome: Outcome;
  decision?: Decision;
  comment?: string;
  now: Date;
}

/** The release card after a decision: the Approval stage says who decided, when, and why. */
async function showOnItsCard(
  click: Click,
  decided: Decided,
  token: string,
  options: ShowOptions,
): Promise<void> {
  const { value } = click;
  const { outcome, decision, comment, now } = decided;
  if (outcome.kind !== 'recorded' || !decision || !value.execution) return;
  const link = { pipeline: value.pipeline, executionId: value.execution, stage: value.stage };
  const verb = outcome.status === 'Approved' ? 'approved' : 'rejected';
  const step = {
    ...link,
    level: 'stage' as const,
    stage: value.stage,
    state: outcome.status === 'Approved' ? ('succeeded' as const) : ('failed' as const),
    at: now.toISOString(),
    region: options.config.region,
    note: truncate(
      `${verb} by ${decision.approverName} at ${formatUtcClock(now)}${comment ? `: ${comment}` : ''}`,
      200,
    ),
    priority: 3,
  };
  await showOnCard(link, step, token, whereOf(click), options, click.payload.message?.ts);
}

async function showOutcome(
  click: Click,
  message: SlackMessage | undefined,
  decided: Decided | undefined,
  options: ShowOptions,
): Promise<void> {
  if (!message) return;
  const token = await replaceClicked(click.payload, message, whereOf(click), options);
  if (token && decided) await showOnItsCard(click, decided, token, options);
}
