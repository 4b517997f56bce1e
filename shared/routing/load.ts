/**
 * The routing config of the stage. In a deployed bundle: the stage's routing file as `sls package`
 * checked it (build-tools/check-routing.js puts the checked config into the bundle as a constant,
 * `process.env.HERALD_PRECHECKED_ROUTING`), so a cold start reads no file and builds no schema,
 * and neither the schema's code nor any routing file is in the bundle. Elsewhere (tests,
 * `npm start`, tools): `config/routing/<stage>.json`, checked by ./files.ts.
 */
import { ConfigError } from '../lambda/config';
import type { RoutingConfig } from './schema';

/** The checked config a bundle carries: for its own stage only. */
function prechecked(text: string, stageName: string): RoutingConfig {
  const { stage, config } = JSON.parse(text) as { stage: string; config: RoutingConfig };
  if (stage !== stageName)
    throw new ConfigError(
      `this bundle carries the routing file of stage "${stage}", not "${stageName}": package it with --stage ${stageName}`,
    );
  return config;
}

export function loadRouting(stageName: string, inLambda = false): RoutingConfig {
  let config: RoutingConfig;
  // A constant in a bundle: esbuild keeps only the branch that applies (and what it requires).
  if (process.env.HERALD_PRECHECKED_ROUTING) {
    config = prechecked(process.env.HERALD_PRECHECKED_ROUTING, stageName);
  } else {
    const { checkedRoutingFile } = require('./files') as typeof import('./files');
    config = checkedRoutingFile(stageName);
  }
  if (config.localOnly && inLambda)
    throw new ConfigError(
      `config/routing/${stageName}.json is for local runs only; deploy a stage of its own`,
    );
  return config;
}
