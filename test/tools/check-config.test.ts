import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resetForTests } from '../../shared/lambda/container';
import { loadRouting } from '../../shared/routing/load';

const ROOT = join(__dirname, '..', '..');
const { checkRoutingFile } = require('../../build-tools/check-routing.js') as {
  checkRoutingFile: (stage: string, root?: string) => string[];
};

function rootWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'herald-routing-'));
  mkdirSync(join(root, 'config', 'routing'), { recursive: true });
  for (const [name, text] of Object.entries(files))
    writeFileSync(join(root, 'config', 'routing', name), text);
  return root;
}

const valid = readFileSync(join(ROOT, 'config', 'routing', 'stage.json'), 'utf8');

describe('checking a routing file before packaging', () => {
  it('passes the shipped files', () => {
    for (const stage of ['stage', 'prod', 'local', 'platform']) expect(checkRoutingFile(stage)).toEqual([]);
  });

  it('refuses a watch entry that would widen IAM to everything, saying what an entry is', () => {
    const root = rootWith({
      'qa.json': valid.replace('"mute":', '"watch": { "pipelines": ["checkout-pipeline", "*"] },\n  "mute":'),
    });

    expect(checkRoutingFile('qa', root)).toEqual([
      'config/routing/qa.json: watch.pipelines.1: a name, or a name prefix ending in "*" (not "*" alone)',
    ]);
  });

  it('names file, line and column of a JSON syntax error', () => {
    const root = rootWith({ 'qa.json': valid.replace('"mute": [', '"mute": [,') });

    expect(checkRoutingFile('qa', root)).toEqual([
      expect.stringMatching(/^config\/routing\/qa\.json:\d+:\d+: Unexpected ","/),
    ]);
  });

  it('names a misspelt key and what it should be', () => {
    const root = rootWith({ 'qa.json': valid.replace('"mute":', '"mutes":') });

    expect(checkRoutingFile('qa', root)).toEqual([
      'config/routing/qa.json: mutes: unknown key, did you mean "mute"?',
    ]);
  });

  it('says which file to add for a stage without one', () => {
    expect(checkRoutingFile('qa', rootWith({}))).toEqual([
      'No routing config for stage "qa": add config/routing/qa.json (copy stage.json to start)',
    ]);
  });

  it('makes `sls package` fail in seconds, saying so, for a stage without a routing file', async () => {
    const started = Date.now();
    const run = promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'sls'),
      ['package', '--stage', 'nope'],
      {
        cwd: ROOT,
        timeout: 60_000,
      },
    );

    const failure = (await run.then(() => undefined).catch((error: unknown) => error)) as
      | { stdout?: string; stderr?: string }
      | undefined;

    expect(failure).toBeDefined();
    expect(`${failure?.stdout}${failure?.stderr}`).toContain('add config/routing/nope.json');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);
});

describe('a new stage', () => {
  it('is data: a new routing file works without a line of code', () => {
    const file = join(ROOT, 'config', 'routing', 'zz-new-stage.json');
    copyFileSync(join(ROOT, 'config', 'routing', 'stage.json'), file);
    try {
      writeFileSync(file, readFileSync(file, 'utf8').replaceAll('/herald/stage/', '/herald/zz-new-stage/'));
      resetForTests();

      expect(loadRouting('zz-new-stage').channels.releases).toEqual({
        webhookParameter: '/herald/zz-new-stage/slack/releases',
      });
      expect(checkRoutingFile('zz-new-stage')).toEqual([]);
    } finally {
      rmSync(file);
    }
  });
});
