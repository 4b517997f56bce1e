/**
 * What ships and what runs in prod: `ships#<pipeline>#<execution>` keeps the walk of a release's
 * commits since prod (computed once per release, read again when its request is redelivered);
 * `prod#<pipeline>` keeps the revision the pipeline's last release put in prod and its last
 * failure there, each written only over an older one (a late event never undoes a newer one).
 */
import * as v from 'valibot';
import { type ProdRecord, prodRecordSchema, type Ships, shipsSchema } from '../releases/ships';
import { expiryOf, jsonOf, n, nowOf, readItem, s, type TableDeps, updateIf } from './table';

const shipsItem = v.object({ ships: v.string() });

export async function readShips(release: string, deps: TableDeps): Promise<Ships | undefined> {
  return jsonOf(shipsSchema, (await readItem(deps, 'ships', release, shipsItem))?.ships);
}

export async function writeShips(release: string, ships: Ships, deps: TableDeps): Promise<void> {
  await updateIf(deps, 'ships', release, {
    UpdateExpression: 'SET ships = :ships, expiresAt = :ttl',
    ExpressionAttributeValues: { ':ships': s(JSON.stringify(ships)), ':ttl': expiryOf('ships', nowOf(deps)) },
  });
}

const prodItem = v.object({ last: v.optional(v.string()), lastFailure: v.optional(v.string()) });

export async function readProd(pipeline: string, deps: TableDeps): Promise<ProdRecord | undefined> {
  const item = await readItem(deps, 'prod', pipeline, prodItem, { consistent: true });
  if (!item) return undefined;
  const parsed = v.safeParse(prodRecordSchema, {
    last: jsonOf(v.unknown(), item.last),
    lastFailure: jsonOf(v.unknown(), item.lastFailure),
  });
  return parsed.success ? parsed.output : undefined;
}

/** Prod's outcome of a release at `at`: its revision reached prod, or it failed there. */
export async function recordProd(
  pipeline: string,
  outcome:
    | { last: NonNullable<ProdRecord['last']> }
    | { lastFailure: NonNullable<ProdRecord['lastFailure']> },
  deps: TableDeps,
): Promise<void> {
  const [field, value] = 'last' in outcome ? ['last', outcome.last] : ['lastFailure', outcome.lastFailure];
  const at = Date.parse(value.at);
  await updateIf(deps, 'prod', pipeline, {
    UpdateExpression: `SET #field = :value, #fieldAt = :at, expiresAt = :ttl`,
    ConditionExpression: 'attribute_not_exists(#fieldAt) OR #fieldAt <= :at',
    ExpressionAttributeNames: { '#field': field, '#fieldAt': `${field}At` },
    ExpressionAttributeValues: {
      ':value': s(JSON.stringify(value)),
      ':at': n(Number.isNaN(at) ? nowOf(deps) : at),
      ':ttl': expiryOf('prod', nowOf(deps)),
    },
  });
}
