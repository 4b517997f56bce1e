/**
 * Routing-file mistakes in words a person can act on: the path of each problem, what was expected
 * ("routes: missing, expected a list of routes"), and for an unknown key the closest known one
 * ("mutes: unknown key, did you mean "mute"?"), taken from the schema itself.
 */
import type * as z from 'zod/mini';

type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

/** Where each key belongs: `approverGroups` → `approvals.rules[]`, read from the schema. */
export function keyHomes(
  schema: unknown,
  at = '',
  found = new Map<string, string[]>(),
  seen = new Set<unknown>(),
): Map<string, string[]> {
  if (!schema || typeof schema !== 'object' || seen.has(schema)) return found;
  seen.add(schema);
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
  if (!def) return found;
  const shape = def.shape as Record<string, unknown> | undefined;
  if (shape)
    for (const [key, value] of Object.entries(shape)) {
      found.set(key, [...(found.get(key) ?? []), at || '(the top of the file)']);
      keyHomes(value, at ? `${at}.${key}` : key, found, seen);
    }
  if (def.element) keyHomes(def.element, `${at}[]`, found, seen);
  for (const inner of [def.innerType, def.valueType, def.in, def.out, ...((def.options as unknown[]) ?? [])])
    keyHomes(inner, def.valueType === inner && inner ? `${at}.<name>` : at, found, seen);
  return found;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest known key, when it is close enough to be what was meant. */
export function closest(key: string, known: Iterable<string>): string | undefined {
  let best: { key: string; d: number } | undefined;
  const lower = key.toLowerCase();
  // `webhook` for `webhookParameter`: a key cut short is what was meant.
  const prefixed = [...known].filter((c) => lower.length >= 4 && c.toLowerCase().startsWith(lower));
  if (prefixed.length === 1) return prefixed[0];
  for (const candidate of known) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase());
    if (d <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || d < best.d))
      best = { key: candidate, d };
  }
  return best?.key;
}

function valueAt(input: unknown, path: Path): unknown {
  let value = input;
  for (const key of path) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

const show = (path: Path) => (path.length > 0 ? path.map(String).join('.') : '(the file)');

/** The shape of the objects of a list, where a bare value is the usual mistake. */
const SHAPES: Record<string, string> = {
  approverGroups: '{ "slackGroupId": "S…", "name": "…" }',
  allowedGroups: '{ "slackGroupId": "S…", "name": "…" }',
  approvers: '{ "slackUserId": "U…", "name": "…" }',
  allowed: '{ "slackUserId": "U…", "name": "…" }',
  people: '{ "slackUserId": "U…", "name": "…" }',
  routes: '{ "channels": ["…"] }',
};

function expectedOf(expected: string, path: Path): string {
  const last = path.at(-1);
  const list = path.at(-2);
  if (expected === 'object' && typeof last === 'number' && typeof list === 'string' && SHAPES[list])
    return `an object (${SHAPES[list]})`;
  switch (expected) {
    case 'array':
      return typeof last === 'string' ? `a list of ${last}` : 'a list';
    case 'object':
      return typeof last === 'string' ? `an object (${last})` : 'an object';
    case 'string':
      return 'a text';
    case 'boolean':
      return 'true or false';
    case 'number':
      return 'a number';
    default:
      return expected;
  }
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function describeRoutingIssues(issues: readonly Issue[], input: unknown, schema: unknown): string[] {
  const homes = keyHomes(schema);
  // Every key the schema knows, at any depth.
  const known = new Set(homes.keys());
  const lines: string[] = [];
  const describe = (issue: Issue, base: Path) => {
    const path = [...base, ...issue.path];
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          // A known key in the wrong place: say where it goes, not "did you mean" itself.
          if (known.has(key)) {
            lines.push(
              `${show([...path, key])}: not valid here; "${key}" belongs in ${(homes.get(key) ?? []).join(' or ')}`,
            );
            continue;
          }
          const near = closest(key, known);
          lines.push(`${show([...path, key])}: unknown key${near ? `, did you mean "${near}"?` : ''}`);
        }
        return;
      case 'invalid_type': {
        // A key that is no longer valid says why, and what to do instead.
        if (issue.expected === 'never') {
          lines.push(`${show(path)}: ${issue.message}`);
          return;
        }
        const value = valueAt(input, path);
        lines.push(
          value === undefined
            ? `${show(path)}: missing, expected ${expectedOf(issue.expected, path)}`
            : `${show(path)}: expected ${expectedOf(issue.expected, path)}, found ${kindOf(value)}`,
        );
        return;
      }
      case 'invalid_union': {
        // Every branch failed at the value itself (`true` for `false | {…}`): name them all.
        const deep = issue.errors.filter((branch) => branch.some((inner) => inner.path.length > 0));
        if (deep.length === 0) {
          const options = issue.errors.map((branch) => {
            const inner = branch[0];
            if (inner?.code === 'invalid_value')
              return inner.values.map((v) => JSON.stringify(v)).join(' or ');
            if (inner?.code === 'invalid_type') return expectedOf(inner.expected, path);
            return undefined;
          });
          if (options.every((o) => o !== undefined)) {
            lines.push(
              `${show(path)}: expected ${options.join(' or ')}, found ${kindOf(valueAt(input, path))}`,
            );
            return;
          }
        }
        // The branch that came closest into the value says what is wrong.
        const branches = [...(deep.length > 0 ? deep : issue.errors)].sort((a, b) => a.length - b.length);
        // A misspelt key says more than the value it left missing.
        const first = [...(branches[0] ?? [])].sort(
          (a, b) => Number(b.code === 'unrecognized_keys') - Number(a.code === 'unrecognized_keys'),
        );
        for (const inner of first) describe(inner, path);
        return;
      }
      case 'invalid_value': {
        const value = valueAt(input, path);
        lines.push(
          `${show(path)}: ${value === undefined ? 'missing' : `${JSON.stringify(value)} is not valid here`}; one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        );
        return;
      }
      case 'too_small':
        lines.push(`${show(path)}: must not be empty`);
        return;
      default:
        lines.push(`${show(path)}: ${issue.message === 'Invalid input' ? 'not valid here' : issue.message}`);
    }
  };
  for (const issue of issues) describe(issue, []);
  return lines;
}
