/**
 * Pure: a payload that could not be read still reaches the team. A short notice says what arrived
 * and why it was not understood, so nothing is lost silently.
 */

import type { Rejected } from '../input/parse';
import type { Notice, Source } from './notice';

/** How the unreadable notice names each source. */
const WHAT: Record<Source, string> = {
  codebuild: 'a CodeBuild event',
  codecommit: 'a CodeCommit event',
  codedeploy: 'a CodeDeploy event',
  codepipeline: 'a CodePipeline event',
  ecs: 'an ECS event',
  approval: 'an approval request',
  herald: 'an event',
};

/** `region`: the function's, used only when the event does not say its own. */
export function describeUnreadable(source: Source, rejected: Rejected, region: string): Notice {
  return {
    source: 'herald',
    kind: 'event.unreadable',
    severity: 'warning',
    title: `Herald could not read ${WHAT[source]}`,
    summary: `It was logged; the message below is all Herald knows.`,
    facts: [
      { label: 'Event', value: rejected.label || 'unknown' },
      ...(rejected.clues?.names ?? []),
      { label: 'Region', value: rejected.clues?.region ?? region },
    ],
    details: [{ type: 'text', label: 'Why', text: rejected.reason }],
    links: [],
    context: ['Herald', source],
    correlation: {},
  };
}
