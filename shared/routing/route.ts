/** Pure: which channels a notice goes to, with which mentions, or nowhere. */
import type { Notice } from '../notice';
import type { RoutingConfig } from './schema';

interface Routed {
  /** Each channel the notice goes to, with the mentions of the routes that send it there. */
  channels: Map<string, string[]>;
  /** Why nothing is sent, when `channels` is empty. */
  reason?: string;
}

/** `*` matches any run of characters; everything else matches itself. */
export function matchesGlob(pattern: string, value: string): boolean {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(value);
}

function matchesKind(pattern: string, notice: Notice): boolean {
  const [source = '', kind = ''] = pattern.split(':', 2);
  return matchesGlob(source, notice.source) && matchesGlob(kind, notice.kind);
}

export function routeNotice(notice: Notice, config: RoutingConfig): Routed {
  const muted = (config.mute ?? []).find((pattern) => matchesKind(pattern, notice));
  if (muted) return { channels: new Map(), reason: `muted by "${muted}"` };

  const channels = new Map<string, string[]>();
  for (const route of config.routes) {
    if (route.sources && !route.sources.includes(notice.source)) continue;
    if (route.severities && !route.severities.includes(notice.severity)) continue;
    if (route.environments && !(notice.environment && route.environments.includes(notice.environment)))
      continue;
    if (route.kinds && !route.kinds.some((pattern) => matchesKind(pattern, notice))) continue;
    for (const channel of route.channels) {
      const mentions = channels.get(channel) ?? [];
      for (const mention of route.mentions ?? []) if (!mentions.includes(mention)) mentions.push(mention);
      channels.set(channel, mentions);
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
