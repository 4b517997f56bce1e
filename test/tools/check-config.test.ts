import { execFile } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { init } from '../../tools/init';

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

  it('says where a known key belongs when it is written in the wrong place', () => {
    const routing = JSON.parse(valid);
    routing.approvals.approverGroups = [{ slackGroupId: 'S0123ABCD', name: 'Release managers' }];
    const root = rootWith({ 'qa.json': JSON.stringify(routing, null, 2) });

    expect(checkRoutingFile('qa', root)).toEqual([
      'config/routing/qa.json: approvals.approverGroups: not valid here; "approverGroups" belongs in approvals.rules[]',
    ]);
  });

  it('says the shape of an approver group given as a bare id', () => {
    const routing = JSON.parse(valid);
    routing.approvals.rules[0].approverGroups = ['S0123ABCD'];
    const root = rootWith({ 'qa.json': JSON.stringify(routing, null, 2) });

    expect(checkRoutingFile('qa', root)).toEqual([
      'config/routing/qa.json: approvals.rules.0.approverGroups.0: expected an object ({ "slackGroupId": "S…", "name": "…" }), found a string',
    ]);
  });

  it('names the valid values of a misspelt digest, and both shapes of a digest that is neither', () => {
    const routing = JSON.parse(valid);
    routing.digest = { day: 'Monday', time: '9:00', timeZone: 'Mars/Olympus' };
    const wrong = rootWith({ 'qa.json': JSON.stringify(routing, null, 2) });
    routing.digest = true;
    const neither = rootWith({ 'qa.json': JSON.stringify(routing, null, 2) });

    expect(checkRoutingFile('qa', wrong)).toEqual([
      'config/routing/qa.json: digest.day: "Monday" is not valid here; one of "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"',
      'config/routing/qa.json: digest.time: a time like 09:00',
      'config/routing/qa.json: digest.timeZone: an IANA time zone such as Europe/Berlin',
    ]);
    expect(checkRoutingFile('qa', neither)).toEqual([
      'config/routing/qa.json: digest: expected false or an object (digest), found a boolean',
    ]);
  });

  it('says which file to add for a stage without one', () => {
    expect(checkRoutingFile('qa', rootWith({}))).toEqual([
      'No routing config for stage "qa": add config/routing/qa.json (npm run init -- --stage qa writes one)',
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
  it("is a copy of stage.json, as it is: its parameters are the new stage's own by default", () => {
    const root = rootWith({ 'qa.json': valid });

    expect(checkRoutingFile('qa', root)).toEqual([]);
  });

  it('is written by npm run init -- --stage qa, valid, never over an existing file', () => {
    const root = rootWith({});

    const first = init('qa', root);
    const again = init('qa', root);

    expect(first.ok).toBe(true);
    expect(first.lines).toContainEqual(expect.stringContaining('--name /herald/qa/slack/releases'));
    expect(checkRoutingFile('qa', root)).toEqual([]);
    expect(again).toEqual({
      ok: false,
      lines: ['config/routing/qa.json exists already: edit it (nothing was written)'],
    });
    expect(init('QA', root).ok).toBe(false);
  });
});

/** A copy of the service to package (node_modules linked). */
function serviceCopy(): string {
  const copy = mkdtempSync(join(tmpdir(), 'herald-sls-'));
  for (const path of ['serverless.yml', 'service-pipeline.yml', 'package.json', 'tsconfig.json'])
    copyFileSync(join(ROOT, path), join(copy, path));
  for (const dir of ['resources', 'build-tools', 'config', 'functions', 'shared'])
    cpSync(join(ROOT, dir), join(copy, dir), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  return copy;
}

describe("the README's first try", () => {
  // The commands of the README's "A first try" block; `sls deploy` packages only (no AWS here).
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = readme.slice(readme.indexOf('**A first try**')).split('```sh')[1]?.split('```')[0] ?? '';
  const commands = block.split('\n').map((line) => line.replace(/#.*$/, '').trim());
  const initArgs = commands.find((c) => c.startsWith('npm run init -- '))?.split(' ') ?? [];
  const deploy = commands.find((c) => c.startsWith('npx sls deploy '));

  it('packages as written: the routing file init writes, no example warning, no other stage named', async () => {
    const stage = initArgs[initArgs.indexOf('--stage') + 1] ?? '';
    const deployArgs = (deploy ?? '').replace(/"/g, '').split(' ').slice(3);
    const copy = serviceCopy();
    const out = join(copy, 'build', 'first-try');
    try {
      expect(init(stage, copy).ok).toBe(true);
      const { stdout, stderr } = await promisify(execFile)(
        join(ROOT, 'node_modules', '.bin', 'sls'),
        ['package', ...deployArgs, '--package', out],
        { cwd: copy, timeout: 90_000 },
      );
      const template = readFileSync(join(out, 'cloudformation-template-update-stack.json'), 'utf8');

      expect({ stage, deployArgs }).toEqual({
        stage: 'try',
        deployArgs: ['--stage', 'try', '--param=createPipeline=false'],
      });
      expect(`${stdout}${stderr}`).not.toContain('Warning');
      expect(template).toContain('/herald/try/');
      expect(template).not.toMatch(/\/herald\/(?!try\/)[a-z]+\//);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('sls package of a broken routing file', () => {
  it('says what is wrong in one line, like check:config, not in pages of stack traces', async () => {
    // A copy of the service with a broken routing file for stage "broken".
    const copy = serviceCopy();
    writeFileSync(join(copy, 'config', 'routing', 'broken.json'), valid.replace('"mute": [', '"mute": [,'));

    const failure = (await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'sls'),
      ['package', '--stage', 'broken'],
      {
        cwd: copy,
        timeout: 90_000,
      },
    ).then(
      () => undefined,
      (error: unknown) => error,
    )) as { stdout?: string; stderr?: string } | undefined;
    rmSync(copy, { recursive: true, force: true });

    const output = `${failure?.stdout ?? ''}${failure?.stderr ?? ''}`;
    const said = checkRoutingFile(
      'broken',
      rootWith({ 'broken.json': valid.replace('"mute": [', '"mute": [,') }),
    )[0];
    expect(said).toMatch(/^config\/routing\/broken\.json:\d+:\d+: /);
    expect(output).toContain(said);
    expect(output).not.toMatch(/^\s+at /m);
    expect(output.split('\n').filter((line) => line.trim()).length).toBeLessThan(10);
  }, 120_000);
});
