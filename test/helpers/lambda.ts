import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { lambdaContext as localContext } from '../../testkit/lambda-context';

export function sampleEvent(path: string): unknown {
  return JSON.parse(readFileSync(join(__dirname, '..', '..', 'events', path), 'utf8'));
}

export function lambdaContext(remainingMs = 30000): Context {
  return localContext(remainingMs, 'herald-stage-test');
}

export { captureLogs } from '../../testkit/capture-logs';
