/**
 * The output of the real `sls package` (run by `npm run package:stages` before the tests). What
 * is read here must have been packaged from the sources as they are: a package older than any of
 * its inputs fails with what to run, instead of testing yesterday's template.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { unzipSync } from 'fflate';
import type { Template } from '../cfn/validate-template';

export const STAGES = ['stage', 'prod'] as const;

const ROOT = join(__dirname, '..', '..');

/** What `sls package` reads: a change to any of these makes a package stale. */
const INPUTS = [
  'serverless.yml',
  'service-pipeline.yml',
  'package-lock.json',
  'resources',
  'config/routing',
  'build-tools',
  'functions',
  'shared',
];

function newestInput(): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) for (const name of readdirSync(path)) visit(join(path, name));
    else if (stat.mtimeMs > newest.mtimeMs) newest = { file: relative(ROOT, path), mtimeMs: stat.mtimeMs };
  };
  for (const input of INPUTS) if (existsSync(join(ROOT, input))) visit(join(ROOT, input));
  return newest;
}

export function packageDir(stage: string): string {
  const dir = join(ROOT, 'build', 'sls', stage);
  const file = join(dir, 'cloudformation-template-update-stack.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run "npm run package:stages" (npm test does) before these tests`);
  }
  const newest = newestInput();
  if (statSync(file).mtimeMs < newest.mtimeMs) {
    throw new Error(
      `build/sls/${stage} is older than ${newest.file}: run "npm run package:stages" (npm test does) to package what these tests read`,
    );
  }
  return dir;
}

export function packagedTemplate(stage: string): Template {
  const file = join(packageDir(stage), 'cloudformation-template-update-stack.json');
  return JSON.parse(readFileSync(file, 'utf8')) as Template;
}

/** Every file of every function zip of a stage, as text. */
export function packagedFiles(stage: string, functions: string[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const name of functions) {
    const zip = unzipSync(readFileSync(join(packageDir(stage), `${name}.zip`)));
    for (const [path, bytes] of Object.entries(zip))
      files.set(`${name}.zip:${path}`, Buffer.from(bytes).toString('utf8'));
  }
  return files;
}
