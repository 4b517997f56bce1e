/**
 * The shape DESIGN.md asks for, checked on the sources: handlers only wire (60 lines at most);
 * describers are pure (everything they load, however indirectly, is on an allow-list of pure
 * modules); no import circle; Slack code knows no AWS module; only the state module talks to
 * DynamoDB, and nothing scans the table.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = join(__dirname, '..');
const FUNCTIONS = readdirSync(join(ROOT, 'functions'));

interface Import {
  from: string;
  typeOnly: boolean;
}

/** Every `import … from`, `export … from` and `import()` of a file, and whether it is types only. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  for (const m of text.matchAll(/^(import|export)(\s+type)?\s[^;]*?from\s+'([^']+)';/gms))
    found.push({ from: m[3] ?? '', typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/import\('([^']+)'\)/g)) found.push({ from: m[1] ?? '', typeOnly: false });
  return found;
}

/** A relative import as a repository path (`shared/notice/notice.ts`), or the package name. */
function target(file: string, from: string): string {
  if (!from.startsWith('.')) return from;
  const base = resolve(dirname(file), from);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base])
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(ROOT, candidate);
  throw new Error(`${relative(ROOT, file)}: cannot resolve ${from}`);
}

function sourcesIn(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

const PRODUCTION = [...sourcesIn('functions'), ...sourcesIn('shared')];

/** What a file loads when it runs: value imports, followed through every module. */
function loadedBy(file: string): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    for (const { from, typeOnly } of importsOf(join(ROOT, path))) {
      if (typeOnly) continue;
      const next = target(join(ROOT, path), from);
      if (seen.has(next)) continue;
      seen.add(next);
      if (next.endsWith('.ts')) visit(next);
    }
  };
  visit(file);
  return seen;
}

/**
 * What a pure describer may load: the domain model, plain text and dates, links and ARNs, the
 * decisions' buttons, the routing config's pure readings, and valibot. No SDK, no client, no state,
 * no Slack I/O, no configuration from the environment.
 */
const PURE = [
  /^functions\/[a-z-]+\/(model|schema|classify|describe)\.ts$/,
  /^shared\/notice\//,
  /^shared\/input\/(time|schema|parse)\.ts$/,
  /^shared\/aws\/(console-links|arn|revisions)\.ts$/,
  /^shared\/decisions\/(approvals|rollbacks|button-value)\.ts$/,
  /^shared\/routing\/(route|schema)\.ts$/,
  // What ships and the risk signals: formatting of what the enrichment brought.
  /^shared\/releases\/ships\.ts$/,
  // The delivery figures: arithmetic on the release history.
  /^shared\/metrics\/(figures|history)\.ts$/,
  /^valibot$/,
  // Hashes (a stable id from a text) are arithmetic, not I/O.
  /^node:crypto$/,
];

describe('the layout of the flow', () => {
  it.each(FUNCTIONS)('functions/%s/handler.ts only wires, in 60 lines at most', (name) => {
    const lines = readFileSync(join(ROOT, 'functions', name, 'handler.ts'), 'utf8')
      .trimEnd()
      .split('\n');

    expect(lines.length).toBeLessThanOrEqual(60);
  });

  const describers = FUNCTIONS.filter((name) => existsSync(join(ROOT, 'functions', name, 'describe.ts')));

  it('finds a describer in every notifying function', () => {
    expect(describers).toEqual(FUNCTIONS.filter((name) => name !== 'slack-actions'));
  });

  it.each(describers)('functions/%s/describe.ts loads only pure modules', (name) => {
    const loaded = [...loadedBy(join('functions', name, 'describe.ts'))];

    expect(loaded.filter((path) => !PURE.some((pure) => pure.test(path)))).toEqual([]);
  });

  it('would catch an I/O module loaded through a pure-looking one', () => {
    // The check follows imports: enrich.ts (the SDK) is reached from no describer, but is found from a handler.
    expect([...loadedBy('functions/codebuild/handler.ts')]).toEqual(
      expect.arrayContaining(['functions/codebuild/enrich.ts', '@aws-sdk/client-codebuild']),
    );
  });

  it('has no import circle in functions/ and shared/ (type imports included)', () => {
    const graph = new Map(
      PRODUCTION.map((file) => [
        file,
        importsOf(join(ROOT, file))
          .filter((i) => i.from.startsWith('.'))
          .map((i) => target(join(ROOT, file), i.from)),
      ]),
    );
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const walk = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        circles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) walk(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) walk(file, []);

    expect(circles).toEqual([]);
  });

  it('keeps Slack code free of AWS modules', () => {
    const imports = sourcesIn('shared/slack').flatMap((file) =>
      importsOf(join(ROOT, file)).map((i) => target(join(ROOT, file), i.from)),
    );

    expect(imports.filter((path) => /@aws-sdk|^shared\/aws\//.test(path))).toEqual([]);
  });

  it('lets only the state module talk to DynamoDB, and nothing scans the table', () => {
    const talkers = PRODUCTION.filter((file) =>
      importsOf(join(ROOT, file)).some((i) => i.from === '@aws-sdk/client-dynamodb' && !i.typeOnly),
    );
    const scans = [...PRODUCTION, ...sourcesIn('build-tools')].filter((file) =>
      /\bScan(Command|Input|Output)\b/.test(readFileSync(join(ROOT, file), 'utf8')),
    );

    expect(
      talkers.filter((file) => !file.startsWith('shared/state/') && file !== 'shared/aws/clients.ts'),
    ).toEqual([]);
    expect(scans).toEqual([]);
  });
});
