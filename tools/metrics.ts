/**
 * `npm run metrics -- --stage <stage> [--since 90d] [--until <date>] [--pipeline <name>]…
 * [--json | --csv] [--region <region>] [--table <name>]`: the delivery figures of the stage's release
 * history, per pipeline and week, read from its state table (herald-<stage>-state) with your AWS
 * credentials: one Query of the table's ByTime index (paged), never a Scan. The same figures as the
 * weekly digest (shared/metrics/figures.ts). Exit code 0, 1 when the table cannot be read, 2 usage.
 */
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DAY, WEEK } from '../shared/metrics/figures';
import { readHistory } from '../shared/state/history';
import { clientOptions, errorName, runAsCommand, SetupError, stopOnSetup } from './lib/aws';
import { reportOf, rowsOf, toCsv, toJson, toText } from './metrics/report';

const USAGE = [
  'usage: npm run metrics -- --stage <stage> [--since 90d|12w|2026-09-01] [--until 2026-12-01]',
  '         [--pipeline <name>]... [--json | --csv] [--region <region>] [--table <name>]',
].join('\n');

/** The history is kept 430 days: a longer look back would show empty weeks as if nothing shipped. */
const MAX_DAYS = 430;

/** `90d`, `12w` (before `now`) or a date (`2026-09-01`, UTC); undefined when it is neither. */
export function parseSince(value: string, now: number): number | undefined {
  const relative = /^(\d{1,3})([dw])$/.exec(value);
  if (relative) return now - Number(relative[1]) * (relative[2] === 'w' ? WEEK : DAY);
  return parseDate(value);
}

function parseDate(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z)?$/.test(value)) return undefined;
  const at = Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value);
  // Date.parse takes 2026-02-30 as 2 March: a day that is not in its month is refused.
  if (Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value.slice(0, 10)) return undefined;
  return at;
}

type Args = {
  stage: string;
  from: number;
  until: number;
  pipelines: string[];
  format: 'text' | 'json' | 'csv';
  region?: string;
  table?: string;
};

function readArgs(argv: string[], now: number): Args | string {
  const parse = (args: string[]) =>
    parseArgs({
      args,
      options: {
        stage: { type: 'string' },
        since: { type: 'string', default: '90d' },
        until: { type: 'string' },
        pipeline: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
        csv: { type: 'boolean', default: false },
        region: { type: 'string' },
        table: { type: 'string' },
      },
      strict: true,
    });
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(argv).values;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const { stage } = values;
  if (!stage || !/^[a-z0-9-]+$/.test(stage))
    return '--stage is required: the stage Herald is deployed to (prod)';
  if (values.json && values.csv) return '--json and --csv: choose one';
  const until = values.until === undefined ? now : parseDate(values.until);
  if (until === undefined) return `--until ${values.until}: a date such as 2026-12-01 (UTC)`;
  const from = parseSince(values.since ?? '90d', until);
  if (from === undefined) return `--since ${values.since}: 90d, 12w or a date such as 2026-09-01`;
  if (from >= until) return `--since ${values.since} is not before --until`;
  if (until - from > MAX_DAYS * DAY)
    return `--since ${values.since}: Herald keeps ${MAX_DAYS} days of history; ask for ${MAX_DAYS}d at most`;
  return {
    stage,
    from,
    until,
    pipelines: values.pipeline ?? [],
    format: values.json ? 'json' : values.csv ? 'csv' : 'text',
    region: values.region,
    table: values.table,
  };
}

/** The figures printed; the exit code (0 printed, 1 the table could not be read, 2 usage). */
export async function main(
  argv: string[],
  print: (line: string) => void = console.log,
  now: () => number = Date.now,
): Promise<number> {
  const args = readArgs(argv, now());
  if (typeof args === 'string') {
    print(`✗ ${args}\n${USAGE}`);
    return 2;
  }
  const table = args.table ?? `herald-${args.stage}-state`;
  const dynamo = new DynamoDBClient(clientOptions(args.region));
  try {
    const history = await readHistory({ dynamo, table }, args.from, args.until);
    const report = reportOf(history, args.from, args.until, args.pipelines);
    const region = await dynamo.config.region();
    if (args.format === 'json') print(toJson(report));
    else if (args.format === 'csv') print(toCsv(rowsOf(report)));
    else print(toText(report, `${table} · ${region}`));
    return 0;
  } catch (error) {
    try {
      stopOnSetup(error);
    } catch (setup) {
      if (setup instanceof SetupError) {
        print(`✗ ${setup.message}`);
        return 1;
      }
    }
    const name = errorName(error);
    if (name === 'ResourceNotFoundException')
      print(
        `✗ no table ${table} (or its ByTime index) in this region: is Herald deployed to stage ${args.stage} here? (--region, --table)`,
      );
    else if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException')
      print(`✗ ${name}: your credentials may not dynamodb:Query ${table} and its index ByTime`);
    else print(`✗ reading ${table} failed: ${name}`);
    return 1;
  } finally {
    dynamo.destroy();
  }
}

if (require.main === module) runAsCommand('metrics', main, errorName);
