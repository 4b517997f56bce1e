import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { lambdaContext as localContext } from '../../dev/lambda-context';

export function sampleEvent(path: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'events', path), 'utf8'));
}

export function lambdaContext(remainingMs = 30000): Context {
  return localContext(remainingMs, 'herald-stage-test');
}

/** Captures what the Powertools logger writes (stdout and stderr), one parsed JSON object per line. */
export function captureLogs(): {
  lines: () => Array<Record<string, unknown>>;
  raw: () => string;
  restore: () => void;
} {
  const chunks: string[] = [];
  const record = (chunk: string | Uint8Array) => {
    chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  const spies = [
    jest.spyOn(process.stdout, 'write').mockImplementation(record),
    jest.spyOn(process.stderr, 'write').mockImplementation(record),
  ];
  const raw = () => chunks.join('');
  return {
    raw,
    lines: () =>
      raw()
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}
