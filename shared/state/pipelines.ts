/**
 * What Herald knows of the pipelines it watches, without being told: `pipeline#<name>` holds a
 * pipeline's structure at a version (written only over an older version), and one
 * `runner#<runner>#<pipeline>` item per build project or deployment group an action runs, in the
 * series `runs#<runner>` of the ByTime index, so that "which pipeline runs this deployment group"
 * is one Query however many pipelines are watched.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import * as v from 'valibot';
import type { PipelineStructure } from '../aws/pipelines';
import {
  expiryOf,
  jsonOf,
  keyOf,
  n,
  nowOf,
  plainOf,
  querySeries,
  readItem,
  s,
  type TableDeps,
  updateIf,
} from './table';

/** What runs a build or a deployment: `build/<project>` or `deploy/<application>/<group>`. */
export type Runner = string;

export const buildRunner = (project: string): Runner => `build/${project}`;
export const deployRunner = (application: string, group: string): Runner => `deploy/${application}/${group}`;

/** A pipeline's action that runs a runner, and its stage. */
export interface RunBy {
  pipeline: string;
  stage: string;
  action: string;
}

const structureSchema = v.object({
  name: v.string(),
  version: v.number(),
  stages: v.array(
    v.object({
      name: v.string(),
      actions: v.array(
        v.object({
          name: v.string(),
          category: v.string(),
          provider: v.string(),
          project: v.optional(v.string()),
          application: v.optional(v.string()),
          group: v.optional(v.string()),
          repository: v.optional(v.string()),
        }),
      ),
    }),
  ),
});

const pipelineItem = v.object({ structure: v.string() });

export async function readPipeline(name: string, deps: TableDeps): Promise<PipelineStructure | undefined> {
  const item = await readItem(deps, 'pipeline', name, pipelineItem);
  return jsonOf(structureSchema, item?.structure);
}

/** The structures of several pipelines in one read (BatchGetItem, up to 100 at a time). */
export async function readPipelines(
  names: string[],
  deps: TableDeps,
): Promise<Map<string, PipelineStructure>> {
  const found = new Map<string, PipelineStructure>();
  for (let i = 0; i < names.length; i += 100) {
    const keys: Array<Record<string, AttributeValue>> = names
      .slice(i, i + 100)
      .map((name) => keyOf('pipeline', name));
    let request: Record<string, { Keys: Array<Record<string, AttributeValue>> }> | undefined = {
      [deps.table]: { Keys: keys },
    };
    // Unprocessed keys (throttling) are asked again, a few times.
    for (let round = 0; request && round < 4; round++) {
      const answer: BatchGetItemCommandOutput = await deps.dynamo.send(
        new BatchGetItemCommand({ RequestItems: request }),
      );
      for (const item of answer.Responses?.[deps.table] ?? []) {
        const structure = jsonOf(structureSchema, String(plainOf(item)?.structure ?? ''));
        if (structure) found.set(structure.name, structure);
      }
      const left = answer.UnprocessedKeys?.[deps.table]?.Keys;
      request = left && left.length > 0 ? { [deps.table]: { Keys: left } } : undefined;
    }
  }
  return found;
}

/** The runners of a structure: each build project and deployment group an action runs. */
export function runnersOf(structure: PipelineStructure): Array<{ runner: Runner; by: RunBy }> {
  return structure.stages.flatMap((stage) =>
    stage.actions.flatMap((action) => {
      const by = { pipeline: structure.name, stage: stage.name, action: action.name };
      if (action.project) return [{ runner: buildRunner(action.project), by }];
      if (action.application && action.group)
        return [{ runner: deployRunner(action.application, action.group), by }];
      return [];
    }),
  );
}

/**
 * Keeps a structure unless the same or a newer version is kept already, with its runners: true
 * when written.
 */
export async function writePipeline(structure: PipelineStructure, deps: TableDeps): Promise<boolean> {
  const now = nowOf(deps);
  const written = await updateIf(deps, 'pipeline', structure.name, {
    UpdateExpression: 'SET #structure = :structure, version = :version, expiresAt = :ttl',
    ConditionExpression: 'attribute_not_exists(version) OR version < :version',
    ExpressionAttributeNames: { '#structure': 'structure' },
    ExpressionAttributeValues: {
      ':structure': s(JSON.stringify(structure)),
      ':version': n(structure.version),
      ':ttl': expiryOf('pipeline', now),
    },
  });
  if (written === false) return false;
  await Promise.all(
    runnersOf(structure).map(({ runner, by }) =>
      updateIf(deps, 'runner', `${runner}#${structure.name}`, {
        UpdateExpression:
          'SET series = :series, #at = :version, pipeline = :pipeline, stage = :stage, #action = :action, expiresAt = :ttl',
        ConditionExpression: 'attribute_not_exists(#at) OR #at <= :version',
        ExpressionAttributeNames: { '#at': 'at', '#action': 'action' },
        ExpressionAttributeValues: {
          ':series': s(`runs#${runner}`),
          ':version': n(structure.version),
          ':pipeline': s(by.pipeline),
          ':stage': s(by.stage),
          ':action': s(by.action),
          ':ttl': expiryOf('runner', now),
        },
      }),
    ),
  );
  return true;
}

/** The pipelines whose actions run this runner, as learnt so far (one Query). */
export async function pipelinesRunning(runner: Runner, deps: TableDeps): Promise<RunBy[]> {
  const items = await querySeries(deps, `runs#${runner}`, Number.MAX_SAFE_INTEGER);
  return items.flatMap((item) =>
    typeof item.pipeline === 'string' && typeof item.stage === 'string' && typeof item.action === 'string'
      ? [{ pipeline: item.pipeline, stage: item.stage, action: item.action }]
      : [],
  );
}
