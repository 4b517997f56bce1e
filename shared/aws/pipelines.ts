/**
 * What Herald reads of CodePipeline to tie builds and deployments to their release: a pipeline's
 * structure (GetPipeline: its stages in order, and which build project or deployment group each
 * action runs), the pipelines there are (ListPipelines, kept a few minutes per container), and
 * which execution ran a build or a deployment (ListActionExecutions). Only the functions that
 * meet pipelines import this, so the others do not carry the CodePipeline client.
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_GetPipeline.html
 */
import {
  type CodePipelineClient,
  GetPipelineCommand,
  GetPipelineExecutionCommand,
  ListActionExecutionsCommand,
  ListPipelineExecutionsCommand,
  ListPipelinesCommand,
} from '@aws-sdk/client-codepipeline';
import { keep } from '../lambda/container';
import { codePipelineClient } from './clients';

/** One action of a pipeline, with what it runs when Herald can tell (CodeBuild, CodeDeploy). */
export interface PipelineAction {
  name: string;
  category: string;
  provider: string;
  /** CodeBuild: the project. */
  project?: string;
  /** CodeDeploy (ECS blue/green or not): the application and deployment group. */
  application?: string;
  group?: string;
  /** CodeCommit source: the repository. */
  repository?: string;
}

export interface PipelineStructure {
  name: string;
  version: number;
  stages: Array<{ name: string; actions: PipelineAction[] }>;
}

export interface ActionRun {
  pipeline: string;
  executionId: string;
  stage?: string;
}

/** The CodePipeline reads correlation needs, as one seam (tests and functions pass their own). */
export interface PipelineReader {
  findActionRun(pipeline: string, externalId: string): Promise<ActionRun | undefined>;
  listPipelines(): Promise<Array<{ name: string; version: number }>>;
  readStructure(name: string): Promise<PipelineStructure>;
}

const LIST_KEEP_MS = 5 * 60_000;
const listed = keep<'all', { until: number; pipelines: Array<{ name: string; version: number }> }>();

function actionOf(action: {
  name?: string;
  actionTypeId?: { category?: string; provider?: string };
  configuration?: Record<string, string>;
}): PipelineAction {
  const configuration = action.configuration ?? {};
  const provider = action.actionTypeId?.provider ?? '';
  const found: PipelineAction = {
    name: action.name ?? '',
    category: action.actionTypeId?.category ?? '',
    provider,
  };
  if (provider === 'CodeBuild' && configuration.ProjectName) found.project = configuration.ProjectName;
  if (provider === 'CodeCommit' && configuration.RepositoryName)
    found.repository = configuration.RepositoryName;
  if (
    provider.startsWith('CodeDeploy') &&
    configuration.ApplicationName &&
    configuration.DeploymentGroupName
  ) {
    found.application = configuration.ApplicationName;
    found.group = configuration.DeploymentGroupName;
  }
  return found;
}

export function pipelineReader(
  client: () => Pick<CodePipelineClient, 'send'> = codePipelineClient,
): PipelineReader {
  return {
    async findActionRun(pipeline, externalId) {
      const { actionExecutionDetails = [] } = await client().send(
        new ListActionExecutionsCommand({ pipelineName: pipeline, maxResults: 100 }),
      );
      const found = actionExecutionDetails.find(
        (detail) => detail.output?.executionResult?.externalExecutionId === externalId,
      );
      if (!found?.pipelineExecutionId) return undefined;
      return { pipeline, executionId: found.pipelineExecutionId, stage: found.stageName };
    },
    async listPipelines() {
      const kept = listed.get('all');
      if (kept && kept.until > Date.now()) return kept.pipelines;
      const pipelines: Array<{ name: string; version: number }> = [];
      let nextToken: string | undefined;
      do {
        const page = await client().send(new ListPipelinesCommand({ nextToken, maxResults: 1000 }));
        for (const p of page.pipelines ?? [])
          if (p.name) pipelines.push({ name: p.name, version: p.version ?? 0 });
        nextToken = page.nextToken;
      } while (nextToken);
      listed.set('all', { until: Date.now() + LIST_KEEP_MS, pipelines });
      return pipelines;
    },
    async readStructure(name) {
      const { pipeline } = await client().send(new GetPipelineCommand({ name }));
      return {
        name,
        version: pipeline?.version ?? 0,
        stages: (pipeline?.stages ?? []).map((stage) => ({
          name: stage.name ?? '',
          actions: (stage.actions ?? []).map(actionOf),
        })),
      };
    },
  };
}

/** What runs in prod, as CodePipeline's recent history says. */
export type ProdRun =
  | { kind: 'known'; executionId: string; revision: string; title?: string; at?: string }
  | { kind: 'first' }
  | { kind: 'unknown'; why: string };

/**
 * The source revision of the pipeline's latest run that got through `prodStage` (other than
 * `current`): its latest succeeded action in that stage (ListActionExecutions), else its latest
 * succeeded run (ListPipelineExecutions: a run that succeeded went through every stage). No such
 * run in a history read to its start: the first release to prod.
 */
export async function lastProdRun(
  client: Pick<CodePipelineClient, 'send'>,
  pipeline: string,
  prodStage: string,
  current: string | undefined,
): Promise<ProdRun> {
  const [actions, executions] = await Promise.all([
    client.send(new ListActionExecutionsCommand({ pipelineName: pipeline, maxResults: 100 })),
    client.send(new ListPipelineExecutionsCommand({ pipelineName: pipeline, maxResults: 100 })),
  ]);
  const summaries = executions.pipelineExecutionSummaries ?? [];
  const time = (date: Date | undefined) => date?.getTime() ?? 0;
  const inProd = (actions.actionExecutionDetails ?? [])
    .filter((d) => d.stageName === prodStage && d.status === 'Succeeded' && d.pipelineExecutionId !== current)
    .sort((a, b) => time(b.lastUpdateTime) - time(a.lastUpdateTime))[0];
  const succeeded = summaries
    .filter((s) => s.status === 'Succeeded' && s.pipelineExecutionId !== current)
    .sort((a, b) => time(b.lastUpdateTime) - time(a.lastUpdateTime))[0];
  const executionId = inProd?.pipelineExecutionId ?? succeeded?.pipelineExecutionId;
  if (!executionId) {
    return executions.nextToken
      ? { kind: 'unknown', why: `none of the last ${summaries.length} runs reached prod` }
      : { kind: 'first' };
  }
  const at = (inProd?.lastUpdateTime ?? succeeded?.lastUpdateTime)?.toISOString();
  const listed = summaries.find((s) => s.pipelineExecutionId === executionId)?.sourceRevisions?.[0];
  if (listed?.revisionId)
    return {
      kind: 'known',
      executionId,
      revision: listed.revisionId,
      title: firstLineOf(listed.revisionSummary),
      at,
    };
  const { pipelineExecution } = await client.send(
    new GetPipelineExecutionCommand({ pipelineName: pipeline, pipelineExecutionId: executionId }),
  );
  const revision = pipelineExecution?.artifactRevisions?.[0];
  if (!revision?.revisionId)
    return { kind: 'unknown', why: `run ${executionId.slice(0, 8)} names no revision` };
  return {
    kind: 'known',
    executionId,
    revision: revision.revisionId,
    title: firstLineOf(revision.revisionSummary),
    at,
  };
}

function firstLineOf(text: string | undefined): string | undefined {
  const line = text?.split(/\r?\n/, 1)[0]?.trim();
  return line || undefined;
}

/**
 * The stage that deploys to `environment` after the approval stage: the first one whose deploy
 * action's group the routing file maps to it (`environmentOf`), else the first stage after the
 * approval that deploys at all.
 */
export function prodStageOf(
  structure: PipelineStructure,
  approvalStage: string,
  environmentOfGroup: (group: string) => string | undefined,
  environment: string | undefined,
): string | undefined {
  const after = structure.stages.slice(structure.stages.findIndex((s) => s.name === approvalStage) + 1);
  const deploys = after.filter((stage) => stage.actions.some((action) => action.category === 'Deploy'));
  const matching = deploys.find((stage) =>
    stage.actions.some((action) => action.group && environmentOfGroup(action.group) === environment),
  );
  return (matching ?? deploys[0])?.name;
}
