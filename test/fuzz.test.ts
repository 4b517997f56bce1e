/**
 * Hostile input: every leaf of every sample event replaced, in turn, by a lone UTF-16 surrogate, a
 * 100 000-character string, a number, an object or null, through the real handler (local rig).
 * Nothing may throw except a failure to reach Slack or AWS, nothing may fail to render, and nothing
 * posted may break Slack's limits. The mutations are fixed (no randomness): a failure names the
 * sample, the path and the value.
 */

import { checkSlackLimits } from '../shared/slack/limits';
import { type LocalRig, listSamples, runSample, type Sample } from '../testkit/samples';

const SAVED = { ...process.env };
let rig: LocalRig;

beforeAll(async () => {
  const { startLocalRig } = await import('../testkit/samples');
  rig = await startLocalRig();
});

afterAll(async () => {
  await rig.close();
  for (const name of Object.keys(process.env)) if (!(name in SAVED)) delete process.env[name];
  Object.assign(process.env, SAVED);
});

type Path = Array<string | number>;

function leaves(value: unknown, path: Path = [], found: Path[] = []): Path[] {
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value))
      leaves(item, [...path, Array.isArray(value) ? Number(key) : key], found);
  } else {
    found.push(path);
  }
  return found;
}

function replaced(value: unknown, path: Path, by: unknown): unknown {
  if (path.length === 0) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((item, i) => (i === head ? replaced(item, rest, by) : item));
  const record = (value ?? {}) as Record<string, unknown>;
  return { ...record, [String(head)]: replaced(record[String(head)], rest, by) };
}

function parsedObject(text: unknown): object | undefined {
  if (typeof text !== 'string' || !text.trim().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

const SURROGATE = '\uD83D lone';
const OTHERS: unknown[] = ['x'.repeat(100_000), 42, { nested: true }, null];

const label = (value: unknown) =>
  typeof value === 'string' ? `"${value.slice(0, 12)}…"` : JSON.stringify(value);

function at(value: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[String(key)] : undefined),
    value,
  );
}

/**
 * Every string leaf gets a lone surrogate; every leaf also one of the other values, in turn. A JSON
 * string inside the event (an SNS message) is a payload of its own: its leaves are mutated too.
 */
function mutations(sample: Sample): Array<{ path: string; event: unknown }> {
  const found: Array<{ path: string; event: unknown }> = [];
  const add = (path: Path, value: unknown, event: unknown) =>
    found.push({ path: `${path.join('.')} = ${label(value)}`, event });
  leaves(sample.event).forEach((path, i) => {
    const original = at(sample.event, path);
    const inner = parsedObject(original);
    if (inner) {
      leaves(inner).forEach((innerPath, j) => {
        for (const value of [SURROGATE, OTHERS[j % OTHERS.length]]) {
          add(
            [...path, ...innerPath],
            value,
            replaced(sample.event, path, JSON.stringify(replaced(inner, innerPath, value))),
          );
        }
      });
      return;
    }
    if (typeof original === 'string') add(path, SURROGATE, replaced(sample.event, path, SURROGATE));
    const other = OTHERS[i % OTHERS.length];
    add(path, other, replaced(sample.event, path, other));
  });
  return found;
}

const TRANSIENT = /SlackUnavailable|not delivered before the deadline|PublishError/;

describe('hostile input through every handler', () => {
  it.each(listSamples().map((sample) => [sample.file, sample] as const))(
    '%s',
    async (_file, sample) => {
      const problems: string[] = [];
      for (const mutation of mutations(sample)) {
        const result = await runSample({ ...sample, event: mutation.event }, rig);
        if (result.error && !TRANSIENT.test(result.error))
          problems.push(`${mutation.path}: threw ${result.error}`);
        // A render failure still posts the plain text; here it is the bug it is.
        for (const warning of result.warnings.filter((line) => line.startsWith('ERROR Render failed')))
          problems.push(`${mutation.path}: ${warning}`);
        for (const message of result.messages) {
          const broken = checkSlackLimits(message);
          if (broken.length > 0) problems.push(`${mutation.path}: breaks Slack limits: ${broken.join('; ')}`);
        }
      }

      expect(problems).toEqual([]);
    },
    120_000,
  );
});
