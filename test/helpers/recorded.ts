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

/**
 * A recorded answer for aws-sdk-client-mock's `callsFake`: plain, or chosen by one request field
 * (`{ "$byRequest": "deploymentId", "answers": { … } }`, as the local stand-in reads it).
 */
export function recordedFor(file: string, operation: string): (input: Record<string, unknown>) => unknown {
  const answer = recorded<{ $byRequest?: string; answers?: Record<string, unknown> }>(file, operation);
  return (input) => {
    if (!answer.$byRequest || !answer.answers) return answer;
    const found = answer.answers[String(input[answer.$byRequest])];
    if (!found)
      throw Object.assign(new Error(`no recorded answer for that ${answer.$byRequest}`), {
        name: 'ResourceNotFoundException',
      });
    return found;
  };
}
