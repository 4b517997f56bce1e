/**
 * The AWS reads that make a build message useful: BatchGetBuilds (number, phases, source version,
 * logs), the failed build's last log lines, and the commit message when the source is CodeCommit.
 * Every read may fail (throttled, access denied, not found): the message then says less, it is
 * never dropped.
 */
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { BatchGetBuildsCommand } from '@aws-sdk/client-codebuild';
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { GetCommitCommand } from '@aws-sdk/client-codecommit';
import { awsErrorName } from '../../shared/aws/clients';
import type { Log } from '../../shared/logger';
import type { BuildEvent } from './schema';

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

export interface EnrichDeps {
  codeBuild: Pick<CodeBuildClient, 'send'>;
  logs: Pick<CloudWatchLogsClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
  log: Log;
}

export const LOG_TAIL_LINES = 20;
const FAILED_STATUSES = new Set(['FAILED', 'FAULT', 'TIMED_OUT']);
/** Build environment variable that names the CodeCommit repository when the source is a pipeline. */
export const REPOSITORY_VARIABLE = 'HERALD_SOURCE_REPOSITORY';

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters by definition.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

export async function enrichBuild(event: BuildEvent, deps: EnrichDeps): Promise<BuildEnrichment> {
  const problems: string[] = [];
  const status = event.detail['build-status'];
  const info = event.detail['additional-information'];

  const details = await readBuild(event.detail['build-id'], deps).catch((error: unknown) => {
    problems.push(`build details (${awsErrorName(error)})`);
    deps.log.warn('BatchGetBuilds failed; the message will say less', { error: awsErrorName(error) });
    return undefined;
  });

  let logTail: string[] | undefined;
  const group = details?.logGroup ?? info?.logs?.['group-name'];
  const stream = details?.logStream ?? info?.logs?.['stream-name'];
  if (FAILED_STATUSES.has(status) && group && stream) {
    logTail = await readLogTail(group, stream, deps).catch((error: unknown) => {
      problems.push(`build log (${awsErrorName(error)})`);
      deps.log.warn('GetLogEvents failed; the message will have no log tail', { error: awsErrorName(error) });
      return undefined;
    });
  }

  let commitMessage: string | undefined;
  const repository = repositoryOf(event, details);
  const commitId = commitIdOf(event, details);
  if (repository && commitId) {
    commitMessage = await readCommitMessage(repository, commitId, deps).catch((error: unknown) => {
      problems.push(`commit message (${awsErrorName(error)})`);
      deps.log.warn('GetCommit failed; the message will show the commit id only', {
        error: awsErrorName(error),
      });
      return undefined;
    });
  }
  return { details, logTail, commitMessage, problems };
}

async function readBuild(buildId: string, deps: EnrichDeps): Promise<BuildDetails | undefined> {
  const response = await deps.codeBuild.send(new BatchGetBuildsCommand({ ids: [buildId] }));
  const build = response.builds?.[0];
  if (!build) {
    throw Object.assign(new Error(`build ${buildId} not found`), { name: 'BuildNotFound' });
  }
  const environmentVariables: Record<string, string> = {};
  for (const variable of build.environment?.environmentVariables ?? []) {
    if (variable.name && variable.value !== undefined && variable.type === 'PLAINTEXT') {
      environmentVariables[variable.name] = variable.value;
    }
  }
  return {
    buildNumber: build.buildNumber,
    initiator: build.initiator,
    sourceType: build.source?.type,
    sourceLocation: build.source?.location,
    sourceVersion: build.sourceVersion,
    resolvedSourceVersion: build.resolvedSourceVersion,
    phases: (build.phases ?? []).map((phase) => ({
      type: phase.phaseType ?? 'UNKNOWN',
      status: phase.phaseStatus,
      contexts: (phase.contexts ?? [])
        .map((c) => [c.statusCode, c.message].filter(Boolean).join(': '))
        .filter((text) => text.length > 0),
      durationSeconds: phase.durationInSeconds,
    })),
    logGroup: build.logs?.groupName,
    logStream: build.logs?.streamName,
    startTime: build.startTime?.toISOString(),
    endTime: build.endTime?.toISOString(),
    environmentVariables,
  };
}

async function readLogTail(group: string, stream: string, deps: EnrichDeps): Promise<string[]> {
  const response = await deps.logs.send(
    new GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: false, limit: 50 }),
  );
  return cleanLogLines((response.events ?? []).map((e) => e.message ?? '')).slice(-LOG_TAIL_LINES);
}

/** Log events may hold several lines, colour codes and trailing blanks. */
export function cleanLogLines(messages: string[]): string[] {
  return messages
    .flatMap((message) => message.replace(ANSI, '').split(/\r?\n/))
    .map((line) => line.trimEnd())
    .filter((line) => line.trim().length > 0);
}

async function readCommitMessage(
  repository: string,
  commitId: string,
  deps: EnrichDeps,
): Promise<string | undefined> {
  const response = await deps.codeCommit.send(new GetCommitCommand({ repositoryName: repository, commitId }));
  return response.commit?.message;
}

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
