import type { Log, LogAttributes } from '../../shared/lambda/logger';

export interface LogLine {
  level: string;
  message: string;
  attributes: LogAttributes;
}

/** A `Log` that keeps what it is told, for the helpers that take one as a parameter. */
export function recordingLog(): { lines: LogLine[]; log: Log } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, ...attributes: LogAttributes[]) => {
      lines.push({ level, message, attributes: Object.assign({}, ...attributes) });
    };
  return { lines, log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
