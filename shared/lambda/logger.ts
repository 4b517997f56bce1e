import { Logger } from '@aws-lambda-powertools/logger';

/** One logger per container; the middleware adds the Lambda context to every line. */
export const logger = new Logger({ serviceName: 'herald' });

/** The narrow logging seam that pure-ish helpers take, so tests can hand in a recorder. */
export type LogAttributes = Record<string, unknown>;

export interface Log {
  debug(message: string, ...attributes: LogAttributes[]): void;
  info(message: string, ...attributes: LogAttributes[]): void;
  warn(message: string, ...attributes: LogAttributes[]): void;
  error(message: string, ...attributes: LogAttributes[]): void;
}

/** The one line a render failure gets: a bug in Herald (the plain text was posted instead). */
export function logRenderFailure(log: Log, notice: { kind: string; source: string }, failure: unknown): void {
  log.error('Render failed: posted the plain text instead (a bug in Herald)', {
    kind: notice.kind,
    source: notice.source,
    problem: failure instanceof Error ? `${failure.name}: ${failure.message}` : String(failure),
    stack: failure instanceof Error ? failure.stack?.split('\n').slice(0, 6).join('\n') : undefined,
  });
}
