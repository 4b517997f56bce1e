/**
 * `npm run check:config`: every routing file in config/routing/ checked as `sls package` checks
 * the one of its stage (build-tools/check-routing.js): JSON syntax with line and column, unknown
 * keys with the closest known one, missing or wrong-shaped values. Exits 1 if any is invalid.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const { checkRoutingFile, ownsPipeline } = require('../build-tools/check-routing.js') as {
  checkRoutingFile: (stage: string, root?: string, ownsPipeline?: boolean) => string[];
  ownsPipeline: (stage: string) => boolean;
};

const stages = readdirSync(join(__dirname, '..', 'config', 'routing'))
  .filter((file) => file.endsWith('.json'))
  .map((file) => file.replace(/\.json$/, ''));
let invalid = 0;
for (const stage of stages) {
  const problems = checkRoutingFile(stage, undefined, ownsPipeline(stage));
  if (problems.length > 0) invalid += 1;
  console.log(problems.length === 0 ? `✓ config/routing/${stage}.json` : `✗ ${problems.join('\n  ')}`);
}
console.log(`${stages.length} routing files, ${invalid} invalid.`);
process.exitCode = invalid > 0 ? 1 : 0;
