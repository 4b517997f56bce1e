/**
 * What the codebuild describer reads: the build state change as parsed (its model: one per
 * event), what enrichment found, and the pure readings of both (repository, commit).
 */
import type { BuildEvent, PhaseEvent } from './schema';

export type BuildModel = BuildEvent | PhaseEvent;

export function isPhase(model: BuildModel): model is PhaseEvent {
  return model['detail-type'] === 'CodeBuild Build Phase Change';
}

export function modelsOf(event: BuildModel): BuildModel[] {
  return [event];
}

export interface BuildPhase {
  type: string;
  status?: string;
  contexts: string[];
  durationSeconds?: number;
}

export interface BuildDetails {
  buildNumber?: number;
  initiator?: string;
  sourceType?: string;
  sourceLocation?: string;
  sourceVersion?: string;
  resolvedSourceVersion?: string;
  phases: BuildPhase[];
  logGroup?: string;
  logStream?: string;
  startTime?: string;
  endTime?: string;
  environmentVariables: Record<string, string>;
}

export interface BuildEnrichment {
  details?: BuildDetails;
  logTail?: string[];
  commitMessage?: string;
  /** What could not be read, for the reader of the message ("build details: AccessDeniedException"). */
  problems: string[];
}

/** Build environment variable that names the CodeCommit repository when the source is a pipeline. */
const REPOSITORY_VARIABLE = 'HERALD_SOURCE_REPOSITORY';

/** `https://git-codecommit.<region>.amazonaws.com/v1/repos/<name>` or the build's HERALD_SOURCE_REPOSITORY. */
export function repositoryOf(event: BuildEvent, details?: BuildDetails): string | undefined {
  const info = event.detail['additional-information'];
  const type = details?.sourceType ?? info?.source?.type;
  const location = details?.sourceLocation ?? info?.source?.location;
  if (type === 'CODECOMMIT' && location) {
    const match = /\/v1\/repos\/([^/?#]+)/.exec(location);
    if (match?.[1]) return decodeURIComponent(match[1]);
  }
  const fromEvent = info?.environment?.['environment-variables']?.find(
    (v) => v.name === REPOSITORY_VARIABLE,
  )?.value;
  return details?.environmentVariables[REPOSITORY_VARIABLE] ?? fromEvent;
}

/** The commit the build ran on, when the source version is a commit id. */
export function commitIdOf(event: BuildEvent, details?: BuildDetails): string | undefined {
  const info = event.detail['additional-information'];
  const candidates = [
    details?.resolvedSourceVersion,
    info?.['resolved-source-version'],
    details?.sourceVersion,
    info?.['source-version'],
  ];
  return candidates.find(
    (value): value is string => typeof value === 'string' && /^[0-9a-f]{40}$/i.test(value),
  );
}
