/** Pure: which channels a notice goes to, with which mentions, or nowhere. */
import type { Notice } from '../notice/notice';
import type { RoutingConfig } from './schema';

/** How a notice goes to one channel: the mentions of the routes that send it there, and threads. */
export interface RouteTo {
  mentions: string[];
  /** App channels: a notice of a release goes to its card and thread (unless a route says `thread: false`). */
  thread: boolean;
}

export interface Routed {
  channels: Map<string, RouteTo>;
  /** Why nothing is sent, when `channels` is empty. */
  reason?: string;
  /** The mute pattern that silenced it: an expected silence, logged at debug level only. */
  muted?: string;
}

/** `*` matches any run of characters; everything else matches itself. */
export function matchesGlob(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
}

function matchesKind(pattern: string, notice: Notice): boolean {
  const [source = '', kind = ''] = pattern.split(':', 2);
  return matchesGlob(source, notice.source) && matchesGlob(kind, notice.kind);
}

/**
 * A route's service globs: a route that names some takes a notice when one of the notice's names
 * matches the route's patterns of that kind (a team lists its repositories, pipelines, … once).
 */
const ROUTE_SCOPES = [
  ['repositories', 'repository'],
  ['projects', 'project'],
  ['pipelines', 'pipeline'],
  ['applications', 'application'],
  ['clusters', 'cluster'],
  ['services', 'service'],
] as const;

function matchesScope(route: RoutingConfig['routes'][number], notice: Notice): boolean {
  const named = ROUTE_SCOPES.filter(([key]) => route[key]);
  if (named.length === 0) return true;
  return named.some(([key, scope]) => {
    const name = notice.scope?.[scope];
    return name !== undefined && (route[key] ?? []).some((pattern) => matchesGlob(pattern, name));
  });
}

export function routeNotice(notice: Notice, config: RoutingConfig): Routed {
  const muted = (config.mute ?? []).find((pattern) => matchesKind(pattern, notice));
  if (muted) return { channels: new Map(), reason: `muted by "${muted}"`, muted };

  const channels = new Map<string, RouteTo>();
  for (const route of config.routes) {
    if (route.sources && !route.sources.includes(notice.source)) continue;
    if (route.severities && !route.severities.includes(notice.severity)) continue;
    if (route.environments && !(notice.environment && route.environments.includes(notice.environment)))
      continue;
    if (route.kinds && !route.kinds.some((pattern) => matchesKind(pattern, notice))) continue;
    if (!matchesScope(route, notice)) continue;
    for (const channel of route.channels) {
      const to = channels.get(channel) ?? { mentions: [], thread: true };
      for (const mention of route.mentions ?? [])
        if (!to.mentions.includes(mention)) to.mentions.push(mention);
      if (route.thread === false) to.thread = false;
      channels.set(channel, to);
    }
  }
  if (channels.size === 0) return { channels, reason: 'no route matches' };
  return { channels };
}

/** The environment a deployment group or service belongs to, by the routing config's patterns. */
export function environmentOf(name: string, config: RoutingConfig): string | undefined {
  for (const [environment, patterns] of Object.entries(config.environments ?? {})) {
    if (patterns.some((pattern) => matchesGlob(pattern, name))) return environment;
  }
  return undefined;
}
