/**
 * Captures what Herald's logger writes (stdout and stderr, one JSON object per line) while
 * a handler runs: the tests read it, and `npm start` / `npm run samples` show only what matters.
 */
export type LogLine = Record<string, unknown>;

export interface LogCapture {
  raw(): string;
  lines(): LogLine[];
  /** Gives stdout and stderr back; what was captured stays readable. */
  restore(): void;
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const original = { out: process.stdout.write, err: process.stderr.write };
  const record = (chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  process.stdout.write = record as typeof process.stdout.write;
  process.stderr.write = record as typeof process.stderr.write;
  const raw = () => chunks.join('');
  return {
    raw,
    lines: () => logLines(raw()),
    restore: () => {
      process.stdout.write = original.out;
      process.stderr.write = original.err;
    },
  };
}

export function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}
