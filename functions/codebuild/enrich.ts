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
import type { Log } from '../../shared/lambda/logger';
import { type BuildDetails, type BuildEnrichment, commitIdOf, repositoryOf } from './model';
import type { BuildEvent } from './schema';

export interface EnrichDeps {
  codeBuild: Pick<CodeBuildClient, 'send'>;
  logs: Pick<CloudWatchLogsClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
  log: Log;
}

const LOG_TAIL_LINES = 20;
const FAILED_STATUSES = new Set(['FAILED', 'FAULT', 'TIMED_OUT']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI colour codes are control characters by definition.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/**
 * The reads run side by side where they can: the event already names the log stream and, for
 * CodeCommit sources, the commit; BatchGetBuilds fills what it lacks, then the rest follows.
 */
export async function enrichBuild(event: BuildEvent, deps: EnrichDeps): Promise<BuildEnrichment> {
  const problems: string[] = [];
  const failed = FAILED_STATUSES.has(event.detail['build-status']);
  const info = event.detail['additional-information'];
  const degrade =
    <T>(what: string, consequence: string) =>
    (error: unknown): T | undefined => {
      problems.push(`${what} (${awsErrorName(error)})`);
      deps.log.warn(`${consequence}`, { read: what, error: awsErrorName(error) });
      return undefined;
    };

  const tailFor = (group?: string, stream?: string) =>
    failed && group && stream
      ? readLogTail(group, stream, deps).catch(
          degrade<string[]>('build log', 'GetLogEvents failed; the message will have no log tail'),
        )
      : undefined;
  const messageFor = (repository?: string, commitId?: string) =>
    repository && commitId
      ? readCommitMessage(repository, commitId, deps).catch(
          degrade<string>('commit message', 'GetCommit failed; the message will show the commit id only'),
        )
      : undefined;

  const early = {
    tail: tailFor(info?.logs?.['group-name'], info?.logs?.['stream-name']),
    message: messageFor(repositoryOf(event), commitIdOf(event)),
  };
  const details = await readBuild(event.detail['build-id'], deps).catch(
    degrade<BuildDetails>('build details', 'BatchGetBuilds failed; the message will say less'),
  );
  const tail = early.tail ?? tailFor(details?.logGroup, details?.logStream);
  const message = early.message ?? messageFor(repositoryOf(event, details), commitIdOf(event, details));
  const [logTail, commitMessage] = await Promise.all([tail, message]);
  // Reads finish in any order; the message lists what is missing in a stable one.
  return { details, logTail, commitMessage, problems: problems.sort() };
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
function cleanLogLines(messages: string[]): string[] {
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
