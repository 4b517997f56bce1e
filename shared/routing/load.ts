/**
 * The routing config of each stage, bundled into the function (it holds no secret: channels name
 * SSM parameters). Add a stage by adding `config/routing/<stage>.json` and a line here.
 */
import local from '../../config/routing/local.json';
import prod from '../../config/routing/prod.json';
import stage from '../../config/routing/stage.json';
import { ConfigError } from '../config';
import { describeIssues } from '../parse';
import { type RoutingConfig, routingSchema } from './schema';

export const ROUTING_FILES: Record<string, unknown> = { stage, prod, local };

export function loadRouting(
  stageName: string,
  files: Record<string, unknown> = ROUTING_FILES,
  inLambda = false,
): RoutingConfig {
  const raw = files[stageName];
  if (raw === undefined) {
    throw new ConfigError(
      `No routing config for stage "${stageName}": add config/routing/${stageName}.json (known: ${Object.keys(files).join(', ')})`,
    );
  }
  const result = routingSchema.safeParse(raw);
  if (!result.success) {
    throw new ConfigError(`config/routing/${stageName}.json is invalid: ${describeIssues(result.error)}`);
  }
  if (result.data.localOnly && inLambda) {
    throw new ConfigError(
      `config/routing/${stageName}.json is for local runs only; deploy a stage of its own`,
    );
  }
  return result.data;
}
