/**
 * A click on Roll back / Finish now: authorise (routing config, user groups) → decide (CodeDeploy,
 * ./decide.ts) → show the outcome in place of the buttons, and on the release card (app mode).
 */
import { awsErrorName, codeDeployDecisionClient, dynamoClient } from '../../../shared/aws/clients';
import { decisionLine, rollbackRuleFor } from '../../../shared/decisions/rollbacks';
import type { ReleaseStep } from '../../../shared/notice/notice';
import type { RoutingConfig } from '../../../shared/routing/schema';
import type { SlackDecision } from '../../../shared/state/bake-window';
import { readLink } from '../../../shared/state/releases';
import { showOnCard } from '../click/card';
import { membershipOf } from '../click/groups';
import { type BakeClick, deploymentOf } from '../click/schema';
import { replaceClicked, type ShowOptions } from '../click/show';
import { actionOf, authoriseBake, decideBake } from './decide';
import { bakeMessage } from './message';

/** The whole click: authorise (routing config, user groups), decide (CodeDeploy), show. */
export async function handleBakeClick(
  click: BakeClick,
  routing: RoutingConfig,
  show: ShowOptions,
  now: Date,
): Promise<void> {
  const { value, payload } = click;
  const where = { ...deploymentOf(click), action: actionOf(click) };
  const rule = rollbackRuleFor({ application: value.application, deploymentGroup: value.group }, routing);
  const groups = await membershipOf(payload.user.id, rule?.allowedGroups ?? [], show);
  const allowed = authoriseBake(click, routing, groups);
  if (!allowed.ok) {
    show.log.warn('Refused a bake-window click', { ...where, outcome: allowed.outcome.kind });
    await replaceClicked(payload, bakeMessage(click, allowed.outcome, routing), where, show);
    return;
  }
  const table = show.config.stateTable;
  const outcome = await decideBake(click, allowed.name, {
    codeDeploy: codeDeployDecisionClient(),
    state: table ? { dynamo: dynamoClient(), table } : undefined,
    log: show.log,
    nowMs: now.getTime(),
  });
  const token = await replaceClicked(payload, bakeMessage(click, outcome, routing), where, show);
  if (outcome.kind === 'done' && token && table)
    await showOnItsCard(click, outcome.decision, token, table, show);
}

/**
 * The release card of the deployment's stage says what was decided and offers its buttons no
 * more (the release is found by the deployment's `link#` item).
 */
async function showOnItsCard(
  click: BakeClick,
  decision: SlackDecision,
  token: string,
  table: string,
  show: ShowOptions,
) {
  const where = deploymentOf(click);
  const link = await readLink(click.value.deployment, { dynamo: dynamoClient(), table }).catch(
    (error: unknown) => {
      show.log.warn('Release of the deployment not found; its card is not updated', {
        ...where,
        error: awsErrorName(error),
      });
      return undefined;
    },
  );
  if (!link?.stage) return;
  const step: ReleaseStep = {
    level: 'stage',
    stage: link.stage,
    state: 'running',
    at: decision.at,
    region: show.config.region,
    note: decisionLine(decision),
    priority: 3,
    closeOffer: true,
  };
  await showOnCard(link, step, token, where, show, click.payload.message?.ts);
}
