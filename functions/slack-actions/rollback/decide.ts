/**
 * A click on Roll back / Finish now during a deployment's bake window. The button only names the
 * deployment; what the click may do comes from elsewhere: the rollback rule of the deployment
 * group's environment must list the clicker (by Slack user id, or a user group in app mode), and
 * CodeDeploy, read again, must say it is still that deployment, in that group, with its original
 * task set kept (status InProgress or Baking, termination wait started). Only then, once per deployment
 * (a conditional claim in the state table), StopDeployment with automatic rollback, or
 * ContinueDeployment with TERMINATION_WAIT. Anything else gets a clear answer and no call.
 */
import {
  type CodeDeployClient,
  ContinueDeploymentCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { awsErrorName } from '../../../shared/aws/clients';
import {
  FINISH_ACTION,
  REASON_ACTION,
  REASON_BLOCK,
  rollbackRuleFor,
} from '../../../shared/decisions/rollbacks';
import type { Log } from '../../../shared/lambda/logger';
import type { RoutingConfig } from '../../../shared/routing/schema';
import { claimDecision, type SlackDecision, settleDecision } from '../../../shared/state/bake-window';
import type { TableDeps } from '../../../shared/state/table';
import { type BakeClick, deploymentOf, type Refusals, refusalOf } from '../click/schema';
import { typedIn } from '../click/settle';

export type BakeAction = SlackDecision['action'];

export type BakeOutcome =
  | { kind: 'done'; action: BakeAction; decision: SlackDecision }
  | { kind: 'no-rule' }
  | { kind: 'not-allowed'; environment: string }
  | { kind: 'window-over'; until: string }
  | { kind: 'gone' }
  | { kind: 'mismatch' }
  | { kind: 'moved-on'; status: string; current?: string }
  | { kind: 'not-baking'; status: string }
  | { kind: 'already'; earlier?: SlackDecision }
  | { kind: 'failed'; error: string };

export interface BakeDeps {
  codeDeploy: Pick<CodeDeployClient, 'send'>;
  /** The state table, for the one decision per deployment; without it, CodeDeploy's state decides. */
  state?: TableDeps;
  log: Log;
  nowMs: number;
}

export function actionOf(click: BakeClick): BakeAction {
  return click.payload.actions[0]?.action_id === FINISH_ACTION ? 'finish' : 'rollback';
}

export function reasonOf(click: BakeClick): string | undefined {
  return typedIn(click.payload, REASON_BLOCK, REASON_ACTION);
}

/**
 * Who may decide, from the routing config alone (no AWS call for someone not listed): the rule of
 * the environment of the deployment group the button names, checked again against CodeDeploy below.
 */
export function authoriseBake(
  { payload, value }: BakeClick,
  routing: RoutingConfig,
  groups: Set<string>,
): { ok: true; name: string } | { ok: false; outcome: BakeOutcome } {
  const rule = rollbackRuleFor({ application: value.application, deploymentGroup: value.group }, routing);
  if (!rule) return { ok: false, outcome: { kind: 'no-rule' } };
  const listed = rule.allowed.find((person) => person.slackUserId === payload.user.id);
  const inGroup = rule.allowedGroups?.some((group) => groups.has(group.slackGroupId));
  if (!listed && !inGroup)
    return { ok: false, outcome: { kind: 'not-allowed', environment: rule.environment } };
  return { ok: true, name: listed?.name ?? payload.user.name ?? payload.user.id };
}

/** CodeDeploy's answers that are a state of the deployment, not a fault. */
const REFUSALS: Refusals<BakeOutcome> = {
  DeploymentAlreadyCompletedException: () => ({ kind: 'moved-on', status: 'completed' }),
  DeploymentDoesNotExistException: () => ({ kind: 'gone' }),
  DeploymentIsNotInReadyStateException: () => ({ kind: 'not-baking', status: 'not ready' }),
};

/** Is the deployment still the one shown, in its bake window? The reason it is not, otherwise. */
async function stillBaking(click: BakeClick, deps: BakeDeps): Promise<BakeOutcome | undefined> {
  const { value } = click;
  if (value.until && Date.parse(value.until) <= deps.nowMs)
    return { kind: 'window-over', until: value.until };
  const { deploymentInfo: info } = await deps.codeDeploy.send(
    new GetDeploymentCommand({ deploymentId: value.deployment }),
  );
  if (!info) return { kind: 'gone' };
  // The rule was the button's group's: CodeDeploy must say the deployment is of that very group.
  if (info.applicationName !== value.application || info.deploymentGroupName !== value.group)
    return { kind: 'mismatch' };
  const status = info.status ?? 'Unknown';
  // CodeDeploy may also say `Baking` for a deployment past its traffic shift.
  const running = status === 'InProgress' || status === 'Baking';
  if (running && info.instanceTerminationWaitTimeStarted) return undefined;
  if (running || status === 'Ready' || status === 'Created' || status === 'Queued')
    return { kind: 'not-baking', status };
  const { deploymentGroupInfo: group } = await deps.codeDeploy
    .send(
      new GetDeploymentGroupCommand({ applicationName: value.application, deploymentGroupName: value.group }),
    )
    .catch(() => ({ deploymentGroupInfo: undefined }));
  const latest = group?.lastAttemptedDeployment;
  const current =
    latest?.deploymentId && latest.deploymentId !== value.deployment && latest.status === 'InProgress'
      ? latest.deploymentId
      : undefined;
  return { kind: 'moved-on', status, current };
}

export async function decideBake(click: BakeClick, name: string, deps: BakeDeps): Promise<BakeOutcome> {
  const { value, payload } = click;
  const action = actionOf(click);
  const where = { ...deploymentOf(click), action };
  let refusal: BakeOutcome | undefined;
  try {
    refusal = await stillBaking(click, deps);
  } catch (error) {
    refusal = refusalOf(error, REFUSALS);
    if (!refusal) {
      deps.log.error('Could not read the deployment; nothing was changed', {
        ...where,
        error: awsErrorName(error),
      });
      return { kind: 'failed', error: awsErrorName(error) };
    }
  }
  if (refusal) {
    deps.log.info('Refused a bake-window click', { ...where, outcome: refusal.kind });
    return refusal;
  }
  const decision: SlackDecision = {
    action,
    userId: payload.user.id,
    name,
    reason: reasonOf(click),
    at: new Date(deps.nowMs).toISOString(),
  };
  if (deps.state) {
    const claim = await claimDecision(value.deployment, decision, deps.state).catch((error: unknown) => {
      deps.log.error('Could not claim the decision; nothing was changed', {
        ...where,
        error: awsErrorName(error),
      });
      return { claimed: false as const, failed: awsErrorName(error) };
    });
    if ('failed' in claim) return { kind: 'failed', error: claim.failed };
    if (!claim.claimed) {
      deps.log.info('Refused a second decision on one deployment', where);
      return { kind: 'already', earlier: claim.earlier };
    }
  }
  const settle = (status: 'done' | 'failed') =>
    deps.state
      ? settleDecision(value.deployment, status, deps.state).catch((error: unknown) =>
          deps.log.warn('Could not settle the decision record', { ...where, error: awsErrorName(error) }),
        )
      : Promise.resolve();
  try {
    if (action === 'rollback')
      await deps.codeDeploy.send(
        new StopDeploymentCommand({ deploymentId: value.deployment, autoRollbackEnabled: true }),
      );
    else
      await deps.codeDeploy.send(
        new ContinueDeploymentCommand({
          deploymentId: value.deployment,
          deploymentWaitType: 'TERMINATION_WAIT',
        }),
      );
  } catch (error) {
    await settle('failed');
    deps.log.warn('CodeDeploy refused the decision', { ...where, error: awsErrorName(error) });
    return refusalOf(error, REFUSALS) ?? { kind: 'failed', error: awsErrorName(error) };
  }
  await settle('done');
  deps.log.info(
    action === 'rollback' ? 'Rollback started from Slack' : 'Bake window ended early from Slack',
    {
      ...where,
      name,
      reason: decision.reason,
    },
  );
  return { kind: 'done', action, decision };
}
