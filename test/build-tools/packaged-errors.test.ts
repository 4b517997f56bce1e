/**
 * Lambda reports a failed invocation's `errorType` from the error's `name`: in the minified bundles
 * `sls package` builds, Herald's own errors must still be called by their names, not `Go`. And a
 * bundle carries its stage's routing config as `sls package` checked it, and nothing else of it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { packageDir } from '../helpers/packaged';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-errors-'));
  const zip = unzipSync(readFileSync(join(packageDir('stage'), 'codebuild.zip')));
  const bundle = zip['functions/codebuild/handler.js'];
  if (!bundle) throw new Error('codebuild.zip has no functions/codebuild/handler.js');
  writeFileSync(join(dir, 'handler.js'), bundle);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Invokes the packaged handler in a fresh Node with only `env`; what it threw, as Lambda reads it. */
function thrownBy(env: Record<string, string>): { name: string; message: string } {
  const script = `
    require(${JSON.stringify(join(dir, 'handler.js'))})
      .handler({}, { getRemainingTimeInMillis: () => 3000, functionName: 'herald-stage-codebuild' })
      .then(() => console.log(JSON.stringify({ name: 'none', message: '' })),
            (e) => console.log(JSON.stringify({ name: e.name, message: e.message })));`;
  const out = execFileSync(process.execPath, ['-e', script], {
    env: { PATH: process.env.PATH ?? '', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as { name: string; message: string };
}

describe('errors of the packaged functions', () => {
  it('keep their names through minification (ConfigError at cold start)', () => {
    // The bundle is minified: class names are gone, so only the errors' own `name` can say it.
    expect(readFileSync(join(dir, 'handler.js'), 'utf8')).not.toContain('class ConfigError');
    const thrown = thrownBy({ AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: 'herald-stage-codebuild' });
    expect(thrown).toEqual({
      name: 'ConfigError',
      message: expect.stringContaining('HERALD_STAGE') as unknown as string,
    });
  });
});

describe('the routing config in a packaged function', () => {
  const text = () => readFileSync(join(dir, 'handler.js'), 'utf8');

  it("is the stage's file, checked and with its defaults filled in at package time", () => {
    expect(text()).toContain('{"stage":"stage","config":{"channels":');
    // The default parameter of a channel the file leaves it to: filled in by the package step.
    expect(text()).toContain('/herald/stage/slack/');
  });

  it('leaves out the schema and every other stage’s file', () => {
    // The schema's wording (shared/routing/issues.ts) and the local file's demo approver.
    expect(text()).not.toContain('did you mean');
    expect(text()).not.toContain('demo approver');
  });

  it('refuses to run as another stage, saying how to package it', () => {
    const thrown = thrownBy({
      AWS_REGION: 'eu-west-1',
      AWS_LAMBDA_FUNCTION_NAME: 'herald-prod-codebuild',
      HERALD_STAGE: 'prod',
    });

    expect(thrown).toEqual({
      name: 'ConfigError',
      message:
        'this bundle carries the routing file of stage "stage", not "prod": package it with --stage prod',
    });
  });
});
