/**
 * The routing config of the stage. In a deployed bundle: the stage's routing file as `sls package`
 * checked it (build-tools/check-routing.js puts the checked config into the bundle as a constant,
 * `process.env.HERALD_PRECHECKED_ROUTING`), so a cold start reads no file and builds no schema,
 * and the schema's code is not in the bundle. Elsewhere (tests, `npm start`, tools):
 * `config/routing/<stage>.json`, checked here. Invalid files fail with each problem's path.
 */
import { ConfigError } from '../lambda/config';
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

/** The checked config a bundle carries: for its own stage only. */
function prechecked(text: string, stageName: string, inLambda: boolean): RoutingConfig {
  const { stage, config } = JSON.parse(text) as { stage: string; config: RoutingConfig };
  if (stage !== stageName)
    throw new ConfigError(
      `this bundle carries the routing file of stage "${stage}", not "${stageName}": package it with --stage ${stageName}`,
    );
  if (config.localOnly && inLambda)
    throw new ConfigError(
      `config/routing/${stageName}.json is for local runs only; deploy a stage of its own`,
    );
  return config;
}

export function loadRouting(stageName: string, inLambda = false): RoutingConfig {
  // A constant in a bundle: esbuild keeps only the branch that applies (and its imports).
  if (process.env.HERALD_PRECHECKED_ROUTING) {
    return prechecked(process.env.HERALD_PRECHECKED_ROUTING, stageName, inLambda);
  } else {
    const { checkRouting } = require('./check') as typeof import('./check');
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
}
