/**
 * The routing files of config/routing/, read and checked where no bundle carries a checked config
 * (tests, `npm start`, the tools): ./load.ts requires this module only then, so the Lambda bundles
 * hold neither the files nor the schema.
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

/** `config/routing/<stage>.json`, checked: invalid files fail with each problem's path. */
export function checkedRoutingFile(stageName: string): RoutingConfig {
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
  return checked.config;
}
