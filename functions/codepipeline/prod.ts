/**
 * What a run tells later approvals and the delivery figures, recorded whatever routing says: when its prod stage (the stage
 * whose deployment group the routing file maps to `prod`) succeeds, the revision that now runs in
 * prod (GetPipelineExecution); when it fails, prod's last failure (a risk signal on the next
 * approval request). Herald's own record of prod, read before CodePipeline's history.
 */
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import { type CodePipelineClient, GetPipelineExecutionCommand } from '@aws-sdk/client-codepipeline';
import { awsErrorName, codeCommitClient, codePipelineClient } from '../../shared/aws/clients';
import { walkCommits } from '../../shared/aws/commits';
import type { PipelineStructure } from '../../shared/aws/pipelines';
import type { Runtime } from '../../shared/flow/runtime';
import { parseAwsDate } from '../../shared/input/time';
import { afterwards } from '../../shared/lambda/afterwards';
import type { HistoryCommit, HistoryFact } from '../../shared/metrics/history';
import { firstLine } from '../../shared/notice/text';
import { structureOf } from '../../shared/releases/pipelines';
import { environmentOf } from '../../shared/routing/route';
import { recordHistory } from '../../shared/state/history';
import { releaseKey } from '../../shared/state/releases';
import { readProd, readShips, recordProd } from '../../shared/state/ships';
import type { TableDeps } from '../../shared/state/table';
import type { PipelineChange } from './model';

/** The walk of what a release shipped, when no approval request walked it: as the request's. */
const WALK_MAX_COMMITS = 200;
const WALK_MAX_MS = 2000;

export interface ProdDeps extends TableDeps {
  codePipeline: Pick<CodePipelineClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
}

const PIPELINE_ENDS: Record<string, 'succeeded' | 'failed' | 'superseded' | 'stopped'> = {
  SUCCEEDED: 'succeeded',
  FAILED: 'failed',
  SUPERSEDED: 'superseded',
  STOPPED: 'stopped',
};

/**
 * The history fact of a pipeline-level event (its run started or ended), or of its prod stage's
 * start; undefined for the rest (the prod stage's end is recorded by recordProdOutcome).
 */
export function runFactOf(change: PipelineChange, prodStage: boolean): HistoryFact | undefined {
  const at = parseAwsDate(change.time)?.getTime();
  if (at === undefined) return undefined;
  if (change.level === 'pipeline') {
    if (change.state === 'STARTED') return { kind: 'started', at };
    const outcome = PIPELINE_ENDS[change.state];
    return outcome ? { kind: 'ended', at, outcome } : undefined;
  }
  if (change.level === 'stage' && prodStage && change.state === 'STARTED' && change.stage)
    return { kind: 'prod-started', at, stage: change.stage };
  return undefined;
}

export async function recordRunFact(
  change: PipelineChange,
  fact: HistoryFact,
  deps: TableDeps,
): Promise<void> {
  await recordHistory(change.pipeline, change.executionId, fact, deps);
}

/** Is `stage` one that deploys to prod (a deploy action whose group is in `prod`)? */
export function isProdStage(
  structure: PipelineStructure | undefined,
  stage: string | undefined,
  environmentOf: (group: string) => string | undefined,
): boolean {
  const found = structure?.stages.find((s) => s.name === stage);
  return Boolean(found?.actions.some((action) => action.group && environmentOf(action.group) === 'prod'));
}

/**
 * A prod stage's end: prod's record (what runs there, or its last failure) and the release's
 * history (its outcome; on success the revision and every commit it shipped since the previous
 * prod revision, with their times: the approval request's walk when it made one, else a walk of
 * its own from the CodeCommit source, else the head commit alone).
 */
export async function recordProdOutcome(
  change: PipelineChange,
  structure: PipelineStructure | undefined,
  deps: ProdDeps,
): Promise<void> {
  const when = parseAwsDate(change.time) ?? new Date();
  const at = when.toISOString();
  const stage = change.stage ?? '';
  if (change.state === 'FAILED') {
    await recordProd(
      change.pipeline,
      { lastFailure: { executionId: change.executionId, at, how: 'failed' } },
      deps,
    );
    await recordRunFact(change, { kind: 'prod-ended', at: when.getTime(), stage, outcome: 'failed' }, deps);
    return;
  }
  const [{ pipelineExecution }, previous] = await Promise.all([
    deps.codePipeline.send(
      new GetPipelineExecutionCommand({
        pipelineName: change.pipeline,
        pipelineExecutionId: change.executionId,
      }),
    ),
    readProd(change.pipeline, deps),
  ]);
  const revision = pipelineExecution?.artifactRevisions?.[0];
  if (!revision?.revisionId) {
    await recordRunFact(
      change,
      { kind: 'prod-ended', at: when.getTime(), stage, outcome: 'succeeded' },
      deps,
    );
    return;
  }
  const shipped = await shippedSince(change, structure, revision, previous?.last?.revision, deps);
  await recordRunFact(
    change,
    {
      kind: 'prod-ended',
      at: when.getTime(),
      stage,
      outcome: 'succeeded',
      revision: revision.revisionId,
      ...shipped,
    },
    deps,
  );
  const title = revision.revisionSummary ? firstLine(revision.revisionSummary) : undefined;
  await recordProd(
    change.pipeline,
    {
      last: {
        revision: revision.revisionId,
        executionId: change.executionId,
        at,
        ...(title ? { title } : {}),
      },
    },
    deps,
  );
}

/** What a release shipped since prod's previous revision, each commit with its time. */
async function shippedSince(
  change: PipelineChange,
  structure: PipelineStructure | undefined,
  revision: { revisionId?: string; created?: Date },
  previous: string | undefined,
  deps: ProdDeps,
): Promise<{ commits: HistoryCommit[]; commitsComplete: boolean }> {
  const head = revision.revisionId ?? '';
  const timed = (commits: Array<{ id: string; at?: string }>): HistoryCommit[] =>
    commits.flatMap((c) => (c.at ? [{ id: c.id, at: c.at }] : []));
  const walked = await readShips(releaseKey(change.pipeline, change.executionId), deps);
  if (walked && walked.prod.kind !== 'unknown' && walked.head === head)
    return { commits: timed(walked.commits), commitsComplete: walked.complete };
  const repository = structure?.stages.flatMap((s) => s.actions).find((a) => a.repository)?.repository;
  if (repository && previous !== head) {
    const walk = await walkCommits(deps.codeCommit, repository, head, previous, {
      maxCommits: WALK_MAX_COMMITS,
      until: Date.now() + WALK_MAX_MS,
    });
    return { commits: timed(walk.commits), commitsComplete: walk.complete && previous !== undefined };
  }
  // Another source (CodeConnections): the head commit, at the time CodePipeline gives it.
  const created = revision.created instanceof Date ? revision.created.toISOString() : undefined;
  return { commits: created ? [{ id: head, at: created }] : [], commitsComplete: false };
}

/**
 * What a run tells others, whatever routing says: its pipeline's structure at its version (the
 * card lists every stage), the release history (the run's start and end, its prod stage's), and
 * when its prod stage ends, prod's record and what the release shipped.
 */
export async function recordRun(change: PipelineChange, runtime: Runtime): Promise<undefined> {
  const { pipelines, log, routing } = runtime;
  if (!pipelines?.follows(change.pipeline)) return undefined;
  const structure = await structureOf(change.pipeline, pipelines, change.version).catch((error: unknown) => {
    log.warn('Pipeline structure not learnt; release cards list the stages seen so far', {
      pipeline: change.pipeline,
      error: awsErrorName(error),
    });
    return undefined;
  });
  const prod =
    change.level === 'stage' &&
    isProdStage(structure, change.stage, (group) => environmentOf(group, routing));
  // The records are written once the notice is on its way (nothing in this invocation reads them).
  const fact = runFactOf(change, prod);
  if (fact)
    afterwards(
      `the release history (${fact.kind})`,
      () => recordRunFact(change, fact, pipelines),
      'the delivery figures will miss it',
    );
  if (prod && (change.state === 'SUCCEEDED' || change.state === 'FAILED'))
    afterwards(
      "prod's outcome",
      () =>
        recordProdOutcome(change, structure, {
          ...pipelines,
          codePipeline: codePipelineClient(),
          codeCommit: codeCommitClient(),
        }),
      "the next approval reads CodePipeline's history",
    );
  return undefined;
}
