/**
 * Pure: the routing file's values checked against what they must match, for a stage: kinds
 * against the kinds Herald emits, environments against `environments`, approval and rollback
 * stages against the pipeline's stages (where Herald ships the pipeline), SSM parameters against
 * the stage's own path (all its functions may read). Keys and shapes are the schema's business
 * (./schema.ts); these are the mistakes that pass a schema and then silently never match.
 */
import { KINDS } from '../notice/kinds';
import type { Source } from '../notice/notice';
import { matchesGlob } from './route';
import type { RoutingConfig } from './schema';

/** Does `source:kind` (with `*` globs in the kind) name something Herald emits? */
function matchesSomeKind(pattern: string): boolean {
  const [source = '', kind = ''] = pattern.split(':', 2);
  const known = KINDS[source as Source];
  if (!known) return false;
  return known.some((k) =>
    k.endsWith('.*') ? matchesGlob(kind, `${k.slice(0, -1)}x`) || matchesGlob(kind, k) : matchesGlob(kind, k),
  );
}

/** The kinds nearest to a mistyped pattern: of the same source and family, else of the source. */
function nearKinds(pattern: string): string {
  const [source = '', kind = ''] = pattern.split(':', 2);
  const known = KINDS[source as Source];
  if (!known) return `sources are ${Object.keys(KINDS).join(', ')}`;
  const family = kind.split('.')[0] ?? '';
  const near = known.filter((k) => k.startsWith(`${family}.`) || k === family);
  return `kinds of ${source} ${near.length > 0 ? 'near it' : 'are'}: ${(near.length > 0 ? near : known).map((k) => `${source}:${k}`).join(', ')}`;
}

/** Where the stage's secrets live: all its functions may read (IAM), and nothing else. */
export const stagePath = (stage: string) => `/herald/${stage}/`;

export interface StageContext {
  stage: string;
  /** The stages of the pipeline Herald ships for this stage, when it ships one (createPipeline). */
  pipelineStages?: string[];
}

export function valueIssues(config: RoutingConfig, context: StageContext): string[] {
  const issues: string[] = [];
  const { stage } = context;
  for (const [i, pattern] of (config.mute ?? []).entries())
    if (!matchesSomeKind(pattern))
      issues.push(`mute[${i}]: "${pattern}" matches no kind Herald emits (${nearKinds(pattern)})`);
  const environments = Object.keys(config.environments ?? {});
  const unknownEnvironment = (where: string, name: string) =>
    issues.push(
      `${where}: environment "${name}" is not defined under "environments" (${environments.length > 0 ? `defined: ${environments.join(', ')}` : 'none is defined'})`,
    );
  config.routes.forEach((route, i) => {
    const where = `routes[${i}]`;
    for (const pattern of route.kinds ?? [])
      if (!matchesSomeKind(pattern))
        issues.push(`${where}.kinds: "${pattern}" matches no kind Herald emits (${nearKinds(pattern)})`);
    for (const name of route.environments ?? [])
      if (!environments.includes(name)) unknownEnvironment(`${where}.environments`, name);
    for (const name of route.channels)
      if (!(name in config.channels))
        issues.push(
          `${where}.channels: channel "${name}" is not defined under "channels" (defined: ${Object.keys(config.channels).join(', ') || 'none'})`,
        );
  });
  const stageNames = context.pipelineStages;
  const checkStages = (where: string, patterns: string[] | undefined) => {
    if (!stageNames) return;
    for (const pattern of patterns ?? [])
      if (!stageNames.some((name) => matchesGlob(pattern, name)))
        issues.push(
          `${where}: "${pattern}" matches no stage of the pipeline (its stages: ${stageNames.join(', ')})`,
        );
  };
  config.approvals?.rules.forEach((rule, i) => {
    if (rule.environment && !environments.includes(rule.environment))
      unknownEnvironment(`approvals.rules[${i}].environment`, rule.environment);
    checkStages(`approvals.rules[${i}].stages`, rule.stages);
  });
  config.rollbacks?.rules.forEach((rule, i) => {
    if (!environments.includes(rule.environment))
      unknownEnvironment(`rollbacks.rules[${i}].environment`, rule.environment);
  });
  // The stage's functions may read /herald/<stage>/* and nothing else: a path outside never works.
  const own = stagePath(stage);
  const parameters: Array<[string, string | undefined]> = [
    ...Object.entries(config.channels).map(([name, channel]): [string, string | undefined] => [
      `channels.${name}.webhookParameter`,
      'webhookParameter' in channel ? channel.webhookParameter : undefined,
    ]),
    ['slack.botTokenParameter', config.slack?.botTokenParameter],
    ['approvals.signingSecretParameter', config.approvals?.signingSecretParameter],
    ['rollbacks.signingSecretParameter', config.rollbacks?.signingSecretParameter],
  ];
  for (const [where, name] of parameters) {
    if (!name || name.startsWith(own)) continue;
    const suggested = `${own}${name.split('/').filter(Boolean).slice(2).join('/') || 'slack/…'}`;
    issues.push(
      `${where}: ${name} is outside ${own}, which is all the functions of stage "${stage}" may read: use ${suggested} (or leave it out: the default is under ${own})`,
    );
  }
  return issues;
}
