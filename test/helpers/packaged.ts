/** The output of the real `sls package` (run by `npm run package:stages` before the tests). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Template } from '../cfn/validate-template';

export const STAGES = ['stage', 'prod'] as const;

export function packageDir(stage: string): string {
  return join(__dirname, '..', '..', 'build', 'sls', stage);
}

export function packagedTemplate(stage: string): Template {
  const file = join(packageDir(stage), 'cloudformation-template-update-stack.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run "npm run package:stages" (npm test does) before these tests`);
  }
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
