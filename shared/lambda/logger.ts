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
