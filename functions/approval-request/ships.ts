/**
 * What a release ships to prod, computed once per release (kept as its `ships#` item): prod's
 * revision (Herald's own record of the pipeline's last prod release, else CodePipeline's recent
 * history), the commits walked from the candidate back to it (bounded: 200 commits or 2 s), the
 * files changed between the two. Each read may fail: the request then says what it could not learn.
 */
import type { CodeCommitClient } from '@aws-sdk/client-codecommit';
import type { CodePipelineClient } from '@aws-sdk/client-codepipeline';
import { changedFiles, walkCommits } from '../../shared/aws/commits';
import type { PipelineStructure } from '../../shared/aws/pipelines';
import { lastProdRun, type ProdRun, prodStageOf } from '../../shared/aws/pipelines';
import { afterwards } from '../../shared/lambda/afterwards';
import { type PipelineDeps, structureOf } from '../../shared/releases/pipelines';
import { deliveryFilesOf, type ProdRecord, type Ships } from '../../shared/releases/ships';
import { releaseKey } from '../../shared/state/releases';
import { readProd, readShips, writeShips } from '../../shared/state/ships';

export const WALK_MAX_COMMITS = 200;
export const WALK_MAX_MS = 2000;

export interface ShipsDeps {
  codePipeline: Pick<CodePipelineClient, 'send'>;
  codeCommit: Pick<CodeCommitClient, 'send'>;
  pipelines: PipelineDeps;
  /** The environment a deployment group belongs to (the routing file's `environments`). */
  environmentOf: (group: string) => string | undefined;
}

export interface Candidate {
  pipeline: string;
  executionId: string;
  approvalStage: string;
  environment?: string;
  repository: string;
  region: string;
  head: string;
}

/** What the pipeline's prod runs now: Herald's record first, else CodePipeline's history. */
async function prodOf(
  candidate: Candidate,
  record: ProdRecord | undefined,
  deps: ShipsDeps,
  structureRead: Promise<PipelineStructure | undefined>,
): Promise<ProdRun> {
  const last = record?.last;
  if (last && last.executionId !== candidate.executionId)
    return {
      kind: 'known',
      executionId: last.executionId,
      revision: last.revision,
      title: last.title,
      at: last.at,
    };
  const structure = await structureRead;
  const stage =
    structure &&
    prodStageOf(structure, candidate.approvalStage, deps.environmentOf, candidate.environment ?? 'prod');
  if (!stage) return { kind: 'unknown', why: 'no stage after the approval deploys' };
  return lastProdRun(deps.codePipeline, candidate.pipeline, stage, candidate.executionId);
}

/** The release's ships, and prod's record (for the risk signals): from the table, or computed once. */
export async function shipsOf(
  candidate: Candidate,
  deps: ShipsDeps,
): Promise<{ ships: Ships; prod?: ProdRecord }> {
  const release = releaseKey(candidate.pipeline, candidate.executionId);
  // The pipeline's structure is read beside them: it is needed when Herald's record of prod is not.
  const structure = structureOf(candidate.pipeline, deps.pipelines);
  // Ended before the invocation is, even when it turns out not to be needed.
  afterwards(`the structure of pipeline ${candidate.pipeline}`, structure);
  const [kept, record] = await Promise.all([
    readShips(release, deps.pipelines),
    readProd(candidate.pipeline, deps.pipelines),
  ]);
  if (kept) return { ships: kept, prod: record };
  const prod = await prodOf(candidate, record, deps, structure);
  const base = { repository: candidate.repository, region: candidate.region, head: candidate.head };
  if (prod.kind === 'unknown') {
    const ships: Ships = { ...base, prod, commits: [], complete: false, deliveryFiles: [] };
    return { ships, prod: record };
  }
  const bound = { maxCommits: WALK_MAX_COMMITS, until: Date.now() + WALK_MAX_MS };
  const since = prod.kind === 'known' ? prod.revision : undefined;
  const [walk, files] = await Promise.all([
    walkCommits(deps.codeCommit, candidate.repository, candidate.head, since, bound),
    since ? changedFiles(deps.codeCommit, candidate.repository, since, candidate.head) : undefined,
  ]);
  const ships: Ships = {
    ...base,
    prod:
      prod.kind === 'known'
        ? { kind: 'known', revision: prod.revision, title: prod.title, at: prod.at }
        : prod,
    commits: walk.commits,
    complete: walk.complete,
    deliveryFiles: files ? deliveryFilesOf(files.paths) : [],
    ...(files ? { files: files.paths.length, filesMore: files.more } : {}),
  };
  // Kept with the release for its later events (the card, the approval's reply), off this one's way.
  afterwards(`what release ${release} ships`, () => writeShips(release, ships, deps.pipelines));
  return { ships, prod: record };
}
