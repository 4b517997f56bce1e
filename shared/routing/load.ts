/**
 * The routing config of each stage: `config/routing/<stage>.json`, bundled into the function (it
 * holds no secret: channels name SSM parameters). A new stage is a new file, nothing else: esbuild
 * bundles every file the template path can match. Invalid files fail with each problem's path.
 */
import { ConfigError } from '../lambda/config';
import { checkRouting } from './check';
import type { RoutingConfig } from './schema';

/** The raw routing files read so far, by stage (tests change them, then reset the container). */
export const ROUTING_FILES: Record<string, unknown> = {};

const STAGE_NAME = /^[a-z0-9-]+$/;

/** The raw routing file of a stage, or undefined when there is none. */
export function routingFile(stage: string): unknown {
  if (!STAGE_NAME.test(stage)) return undefined;
  if (!(stage in ROUTING_FILES)) {
    try {
      ROUTING_FILES[stage] = require(`../../config/routing/${stage}.json`);
    } catch {
      return undefined;
    }
  }
  return ROUTING_FILES[stage];
}

export function loadRouting(stageName: string, inLambda = false): RoutingConfig {
  const raw = routingFile(stageName);
  if (raw === undefined) {
    throw new ConfigError(
      `No routing config for stage "${stageName}": add config/routing/${stageName}.json (npm run init -- --stage ${stageName} writes one)`,
    );
  }
  const checked = checkRouting(raw, { stage: stageName });
  if (!checked.ok) {
    throw new ConfigError(`config/routing/${stageName}.json is invalid: ${checked.problems.join('; ')}`);
  }
  if (checked.config.localOnly && inLambda) {
    throw new ConfigError(
      `config/routing/${stageName}.json is for local runs only; deploy a stage of its own`,
    );
  }
  return checked.config;
}
