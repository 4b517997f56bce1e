/** Builds an entry file exactly as serverless.yml builds the functions (benchmark, plugin test). */
import { join } from 'node:path';
import { type BuildOptions, build } from 'esbuild';

const ROOT = join(__dirname, '..');
// The functions' own esbuild settings (plain CommonJS, shared with serverless.yml).
const functionsBuild = require('../build-tools/esbuild-options.js') as { api: BuildOptions };

export async function bundleLikeTheFunctions(
  entry: string,
  outfile: string,
  overrides: BuildOptions = {},
): Promise<string> {
  await build({
    ...functionsBuild.api,
    entryPoints: [entry],
    outfile,
    absWorkingDir: ROOT,
    nodePaths: [join(ROOT, 'node_modules')],
    logLevel: 'silent',
    ...overrides,
  });
  return outfile;
}
