/**
 * Pure: a payload that could not be read still reaches the team. A short notice says what arrived
 * and why it was not understood, so nothing is lost silently.
 */
import type { Notice, Source } from './notice';
import type { Rejected } from './parse';

export function describeUnreadable(source: Source, rejected: Rejected, region: string): Notice {
  return {
    source: 'herald',
    kind: 'event.unreadable',
    severity: 'warning',
    title: `Herald could not read a ${source} event`,
    summary: `It was logged; the message below is all Herald knows.`,
    facts: [
      { label: 'Event', value: rejected.label || 'unknown' },
      { label: 'Region', value: region },
    ],
    details: [{ type: 'text', label: 'Why', text: rejected.reason }],
    links: [],
    context: ['Herald', source],
    correlation: {},
  };
}
