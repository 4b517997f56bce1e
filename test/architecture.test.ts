/**
 * The shape DESIGN.md asks for, checked on the sources: handlers only wire (60 lines at most),
 * describers are pure (they import no I/O module: no SDK, no enrich.ts, no flood gate, no clients),
 * and Slack code knows no AWS module.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const FUNCTIONS = readdirSync(join(ROOT, 'functions'));
const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/^import[^;]*?from '([^']+)';/gms)].map((m) => m[1] ?? '');

describe('the layout of the flow', () => {
  it.each(FUNCTIONS)('functions/%s/handler.ts only wires, in 60 lines at most', (name) => {
    const lines = readFileSync(join(ROOT, 'functions', name, 'handler.ts'), 'utf8')
      .trimEnd()
      .split('\n');

    expect(lines.length).toBeLessThanOrEqual(60);
  });

  it.each(FUNCTIONS.filter((name) => name !== 'slack-actions'))(
    'functions/%s/describe.ts imports nothing that does I/O',
    (name) => {
      const imports = importsOf(join(ROOT, 'functions', name, 'describe.ts'));

      expect(
        imports.filter((from) => /@aws-sdk|\/enrich$|\/flood$|aws\/clients|\/runtime$|\/notify$/.test(from)),
      ).toEqual([]);
    },
  );

  it('keeps Slack code free of AWS modules', () => {
    const dir = join(ROOT, 'shared', 'slack');
    const imports = readdirSync(dir).flatMap((file) => importsOf(join(dir, file)));

    expect(imports.filter((from) => /@aws-sdk|\.\.\/aws\//.test(from))).toEqual([]);
  });
});
