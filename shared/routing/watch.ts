/**
 * Pure: whether a notice is about something this Herald watches. The EventBridge rules filter on
 * the same lists already; this is the second line, for what arrives anyway (a rule edited by
 * hand, a CodeStar notification rule or an SNS trigger pointed at Herald by another team).
 */
import type { WatchDefaults } from '../lambda/config';
import type { Notice, Scope, Source } from '../notice/notice';
import { matchesGlob } from './route';
import type { RoutingConfig } from './schema';

/** Every list of what a Herald watches; `clusters` / `services` empty: every one. */
export type Watch = Required<WatchDefaults>;

/**
 * The lists in force: the routing file's `watch`, the deployed defaults for the rest. Without
 * deployed defaults (local runs, tests), nothing is refused.
 */
export function watchOf(defaults: WatchDefaults | undefined, routing: RoutingConfig): Watch | undefined {
  if (!defaults) return undefined;
  const merged = { ...defaults, ...routing.watch };
  return {
    repositories: merged.repositories ?? [],
    buildProjects: merged.buildProjects ?? [],
    pipelines: merged.pipelines ?? [],
    applications: merged.applications ?? [],
    clusters: merged.clusters ?? [],
    services: merged.services ?? [],
  };
}

/** The names each source is about, and the list that must hold them. */
const WATCHED: Partial<Record<Source, Array<[keyof Scope, keyof Watch]>>> = {
  codebuild: [['project', 'buildProjects']],
  codecommit: [['repository', 'repositories']],
  codedeploy: [['application', 'applications']],
  codepipeline: [['pipeline', 'pipelines']],
  approval: [['pipeline', 'pipelines']],
  ecs: [
    ['cluster', 'clusters'],
    ['service', 'services'],
  ],
};

/** Why the notice is not this Herald's to send, or undefined when it is (or nothing is listed). */
export function unwatched(notice: Notice, watch: Watch | undefined): string | undefined {
  if (!watch) return undefined;
  for (const [key, list] of WATCHED[notice.source] ?? []) {
    const name = notice.scope?.[key];
    const entries = watch[list];
    // An empty list (ECS clusters and services by default) watches every one.
    if (name === undefined || entries.length === 0) continue;
    // An entry is a name or a prefix ending in `*`: a glob of routing's own kind.
    if (!entries.some((entry) => matchesGlob(entry, name))) return `not watched: ${key} "${name}"`;
  }
  return undefined;
}
