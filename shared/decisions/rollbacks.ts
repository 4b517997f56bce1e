/**
 * What the bake-window buttons and the click share: which rule lets whom roll back or finish a
 * deployment, and the buttons themselves (their value, ./button-value.ts, only says which
 * deployment was shown; the click re-reads it from CodeDeploy and acts only on what it says now).
 */
import { taskDefinitionName } from '../aws/arn';
import { formatUtcClock } from '../input/time';
import type { Choice, Fact, Notice } from '../notice/notice';
import { environmentOf, matchesGlob } from '../routing/route';
import type { RollbackRule, RoutingConfig } from '../routing/schema';
import type { SlackDecision } from '../state/bake-window';
import { encodeButtonValue } from './button-value';

export const ROLLBACK_ACTION = 'herald-rollback';
export const FINISH_ACTION = 'herald-finish';
export const REASON_BLOCK = 'herald-reason';
export const REASON_ACTION = 'herald-reason-input';

export function isBakeAction(actionId: string | undefined): boolean {
  return actionId === ROLLBACK_ACTION || actionId === FINISH_ACTION;
}

/** The rule for a deployment group of an application (its environment by the routing config). */
export function rollbackRuleFor(
  target: { application: string; deploymentGroup: string },
  routing: RoutingConfig,
): RollbackRule | undefined {
  const environment = environmentOf(target.deploymentGroup, routing);
  if (!environment) return undefined;
  return routing.rollbacks?.rules.find(
    (rule) =>
      rule.environment === environment &&
      (!rule.applications || rule.applications.some((p) => matchesGlob(p, target.application))) &&
      (rule.allowed.length > 0 || (rule.allowedGroups?.length ?? 0) > 0),
  );
}

/** What the buttons of a bake window name: the deployment, where, which revisions, until when. */
export interface BakeTarget {
  deploymentId: string;
  application: string;
  deploymentGroup: string;
  cluster?: string;
  service?: string;
  /** Task definition ARNs of the new revision and of the original task set. */
  taskDefinition?: string;
  original?: string;
  /** When the original task set is terminated. */
  until: Date;
  environment?: string;
}

/**
 * Roll back (and, with `finish`, Finish now), each confirmed in a dialog that names the service,
 * both revisions and what will happen. The value carries the window's identity only.
 */
function bakeChoices(target: BakeTarget, options: { finish: boolean }): Choice[] {
  const value = encodeButtonValue({
    v: 2,
    kind: 'bake',
    deployment: target.deploymentId,
    application: target.application,
    group: target.deploymentGroup,
    ...(target.cluster && target.service ? { service: `${target.cluster}/${target.service}` } : {}),
    ...(target.taskDefinition ? { revision: target.taskDefinition } : {}),
    ...(target.original ? { original: target.original } : {}),
    until: target.until.toISOString(),
  });
  const what = target.service ?? target.application;
  const where = target.environment ? ` in ${target.environment}` : '';
  const fresh = target.taskDefinition ? taskDefinitionName(target.taskDefinition) : 'the new revision';
  const original = target.original ? taskDefinitionName(target.original) : 'the original revision';
  const choices: Choice[] = [
    {
      text: 'Roll back',
      actionId: ROLLBACK_ACTION,
      value,
      style: 'danger',
      confirm: {
        title: `Roll back ${what}?`.slice(0, 100),
        text: `Traffic${where} goes back to the original task set (${original}) at once and ${target.deploymentId} stops; ${fresh} is taken out. Your name and reason are recorded.`,
        confirm: 'Roll back',
        deny: 'Cancel',
      },
    },
  ];
  if (options.finish) {
    choices.push({
      text: 'Finish now',
      actionId: FINISH_ACTION,
      value,
      confirm: {
        title: `End the bake of ${what} now?`.slice(0, 100),
        text: `${fresh} stays; the original task set (${original}) is terminated now instead of at ${formatUtcClock(target.until)}, and there is nothing left to roll back to. Your name and reason are recorded.`,
        confirm: 'Finish now',
        deny: 'Cancel',
      },
    });
  }
  return choices;
}

/** The optional reason typed next to the buttons, recorded with the decision. */
const REASON_INPUT: NonNullable<Notice['comment']> = {
  blockId: REASON_BLOCK,
  actionId: REASON_ACTION,
  label: 'Reason (optional, recorded with a roll back or finish)',
  placeholder: '5xx on /checkout since 16:20',
};

/** What a message in a bake window offers the people a rule lists: who and until when, the buttons, a reason box. */
export interface BakeOffer {
  fact: Fact;
  choices: Choice[];
  comment: NonNullable<Notice['comment']>;
}

export function bakeOffer(target: BakeTarget, rule: RollbackRule, options: { finish: boolean }): BakeOffer {
  const deciders = [
    ...rule.allowed.map((p) => p.name),
    ...(rule.allowedGroups ?? []).map((g) => `@${g.name}`),
  ];
  return {
    fact: {
      label: 'Roll back from Slack',
      value: `${deciders.join(', ')}, until ${formatUtcClock(target.until)}`,
    },
    choices: bakeChoices(target, options),
    comment: REASON_INPUT,
  };
}

/** `rolled back from Slack by Li Wei at 16:40 UTC: 5xx on /checkout` */
export function decisionLine(decision: SlackDecision): string {
  const at = Date.parse(decision.at);
  const verb = decision.action === 'rollback' ? 'rolled back' : 'finished early';
  return `${verb} from Slack by ${decision.name}${Number.isNaN(at) ? '' : ` at ${formatUtcClock(new Date(at))}`}${decision.reason ? `: ${decision.reason}` : ''}`;
}
