/**
 * Whole releases of the pipeline Herald ships, as the events AWS sends for them (EventBridge and
 * the approval topic's SNS message), in the order they happen, with the AWS answers Herald's
 * reads get: data in `events/releases/<name>.json`. Used by the release tests, `npm start` (a
 * release card as it evolves) and `npm run release:figures`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedResponses } from './aws-stand-in';

export const PIPELINE = 'herald-stage-pipeline';

/** Which function gets the event (the serverless.yml key's folder). */
export const TARGETS = [
  'codecommit',
  'codepipeline',
  'codebuild',
  'codedeploy',
  'approval-request',
  'ecs',
] as const;
export type Target = (typeof TARGETS)[number];

export interface ReleaseEvent {
  name: string;
  target: Target;
  event: unknown;
}

export interface Release {
  name: string;
  executionId: string;
  events: ReleaseEvent[];
  responses: RecordedResponses;
}

const RELEASES = join(__dirname, '..', 'events', 'releases');

/** A release of events/releases/, fresh (callers may change their copy). */
export function loadRelease(name: string): Release {
  const release = JSON.parse(readFileSync(join(RELEASES, `${name}.json`), 'utf8')) as Release;
  const common = JSON.parse(readFileSync(join(RELEASES, '..', 'common', 'answers.aws.json'), 'utf8'));
  return { ...release, responses: { ...(common as RecordedResponses), ...release.responses } };
}

/** push → build → stage → approval → prod: everything succeeds. */
export const happyRelease = () => loadRelease('happy');
/** The build fails: the run stops there. */
export const failedBuildRelease = () => loadRelease('failed-build');
/** Prod's deployment fails, a task of the new revision crashes, and CodeDeploy rolls it back. */
export const failedProdRelease = () => loadRelease('failed-prod');

/**
 * The same release of another service: every name replaced (longest first), in the events and in
 * the recorded answers alike, so that it is found the way that service's would be.
 */
export function renamed(release: Release, names: Record<string, string>): Release {
  let text = JSON.stringify(release);
  for (const from of Object.keys(names).sort((a, b) => b.length - a.length))
    text = text.split(from).join(names[from] ?? from);
  return JSON.parse(text) as Release;
}
