import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A recorded AWS answer from `events/<source>/<name>.aws.json` in the shape the SDK returns it:
 * the wire's epoch-second timestamps (keys ending in Time, At or Date) become Dates.
 */
export function recorded<T>(file: string, operation: string): T {
  const all = JSON.parse(readFileSync(join(__dirname, '..', '..', 'events', file), 'utf8')) as Record<
    string,
    unknown
  >;
  if (!(operation in all)) throw new Error(`events/${file} records no ${operation}`);
  const revive = (value: unknown, key = ''): unknown => {
    if (Array.isArray(value)) return value.map((item) => revive(item));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revive(v, k)]));
    }
    return typeof value === 'number' && /(Time|At|Date)$/.test(key) ? new Date(value * 1000) : value;
  };
  return revive(all[operation]) as T;
}
