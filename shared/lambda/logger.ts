/**
 * Herald's structured log: one JSON object per line on stdout, the shape of AWS Lambda Powertools'
 * logger (level, message, timestamp, service, cold_start, function_name, function_memory_size,
 * function_arn, function_request_id, xray_trace_id, then the line's own attributes), so CloudWatch
 * Logs Insights queries written for Powertools work unchanged. Herald had used Powertools itself;
 * with middy it cost about 15 ms of every cold start (npm run bench, Node 22) for what these
 * sixty lines do. POWERTOOLS_LOG_LEVEL (DEBUG, INFO, WARN, ERROR, SILENT) sets the level.
 */

/** The narrow logging seam that pure-ish helpers take, so tests can hand in a recorder. */
export type LogAttributes = Record<string, unknown>;

const LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type Level = keyof typeof LEVELS;

/** What the Lambda context adds to each line of an invocation. */
export interface InvocationKeys {
  cold_start: boolean;
  function_name: string;
  function_memory_size?: number;
  function_arn: string;
  function_request_id: string;
}

/** An error as a line holds it: its name, message and where it was thrown, not `{}`. */
function plain(value: unknown): unknown {
  if (value instanceof Error)
    return {
      name: value.name,
      location: value.stack?.split('\n')[1]?.trim().replace(/^at /, '') ?? '',
      message: value.message,
      stack: value.stack,
    };
  return value;
}

export class HeraldLogger {
  private threshold: number;
  private invocation: Partial<InvocationKeys> = {};

  constructor(private readonly service: string) {
    this.threshold = LEVELS[levelOf(process.env.POWERTOOLS_LOG_LEVEL)];
  }

  setLogLevel(level: string): void {
    this.threshold = LEVELS[levelOf(level)];
  }

  /** The keys of the invocation under way (none between invocations). */
  setInvocation(keys: Partial<InvocationKeys>): void {
    this.invocation = keys;
  }

  debug(message: string, ...attributes: LogAttributes[]): void {
    this.write('DEBUG', message, attributes);
  }
  info(message: string, ...attributes: LogAttributes[]): void {
    this.write('INFO', message, attributes);
  }
  warn(message: string, ...attributes: LogAttributes[]): void {
    this.write('WARN', message, attributes);
  }
  error(message: string, ...attributes: LogAttributes[]): void {
    this.write('ERROR', message, attributes);
  }

  private write(level: Level, message: string, attributes: LogAttributes[]): void {
    if (LEVELS[level] < this.threshold) return;
    const trace = /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];
    const line: LogAttributes = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.service,
      ...this.invocation,
      ...(trace ? { xray_trace_id: trace } : {}),
    };
    for (const extra of attributes)
      for (const [key, value] of Object.entries(extra)) line[key] = plain(value);
    process.stdout.write(`${serialised(line)}\n`);
  }
}

/** The line as JSON; a value JSON cannot hold (a cycle, a BigInt) never makes logging throw. */
function serialised(line: LogAttributes): string {
  try {
    return JSON.stringify(line);
  } catch {
    const seen = new WeakSet<object>();
    return JSON.stringify(line, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value && typeof value === 'object') {
        if (seen.has(value)) return '[Circular]';
        seen.add(value);
      }
      return value;
    });
  }
}

function levelOf(name: string | undefined): Level {
  const upper = (name ?? 'INFO').toUpperCase();
  return upper in LEVELS ? (upper as Level) : 'INFO';
}

/** One logger per container; withHerald adds the Lambda context to every line of an invocation. */
export const logger = new HeraldLogger(process.env.POWERTOOLS_SERVICE_NAME ?? 'herald');

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
