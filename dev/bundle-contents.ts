/**
 * `npx tsx dev/bundle-contents.ts <function folder> [<pattern>]`: what a function's bundle is made
 * of, built exactly as serverless.yml builds it for stage `stage` (minified, the plugins of
 * build-tools/, the checked routing config). Without a
 * pattern: bytes per package (or Herald folder), largest first. With one (a regular expression):
 * each matching input file, its bytes and who imports it — to find why something is bundled.
 */
import { join } from 'node:path';
import { build, type Metafile } from 'esbuild';

const ROOT = join(__dirname, '..');
const options = require('../build-tools/esbuild-options.js').api;

async function main(): Promise<void> {
  const [folder, pattern] = process.argv.slice(2);
  if (!folder) {
    console.log('usage: npx tsx dev/bundle-contents.ts <function folder, e.g. codedeploy> [<pattern>]');
    process.exitCode = 2;
    return;
  }
  // The stage's checked routing config goes in as `sls package --stage stage` puts it.
  const { ownsPipeline, precheckedDefine } = require('../build-tools/check-routing.js');
  const define = await precheckedDefine({
    options: { stage: 'stage' },
    resolveVariable: async () => String(ownsPipeline('stage')),
  });
  const result = await build({
    ...options,
    define,
    entryPoints: [join(ROOT, 'functions', folder, 'handler.ts')],
    outfile: join(ROOT, 'build', 'bundle-contents', 'handler.js'),
    absWorkingDir: ROOT,
    metafile: true,
    logLevel: 'silent',
  });
  const metafile = result.metafile as Metafile;
  const output = Object.values(metafile.outputs)[0];
  if (!output) throw new Error('esbuild wrote no output');
  console.log(`functions/${folder}: ${(output.bytes / 1024).toFixed(1)} KB`);
  const short = (file: string) => file.split('node_modules/').pop() ?? file;
  if (pattern) {
    const match = new RegExp(pattern);
    for (const [file, { bytesInOutput }] of Object.entries(output.inputs).filter(([f]) => match.test(f))) {
      const importers = Object.entries(metafile.inputs)
        .filter(([, input]) => input.imports.some((i) => i.path === file))
        .map(([name]) => short(name));
      console.log(`${String(bytesInOutput).padStart(7)}  ${short(file)}  ← ${importers.join(', ')}`);
    }
    return;
  }
  const groups = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(output.inputs)) {
    const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(file)?.[1];
    const key = pkg ?? file.split('/').slice(0, 2).join('/');
    groups.set(key, (groups.get(key) ?? 0) + bytesInOutput);
  }
  for (const [key, bytes] of [...groups].sort((a, b) => b[1] - a[1]))
    console.log(`${(bytes / 1024).toFixed(1).padStart(7)} KB  ${key}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
