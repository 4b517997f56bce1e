/**
 * `npm run metrics`: the delivery figures of a stage's whole history, read from its state table
 * (dynalite on 127.0.0.1, reached the way the user's SDK would be: AWS_ENDPOINT_URL_DYNAMODB),
 * seeded with the sample history of `npm start` (events/metrics/weekly.state.json).
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { type StateTableServer, startStateTable } from '../../testkit/state-table';
import { main, parseSince } from '../../tools/metrics';
import { type ReportRow, toCsv, weekStart, weeksOf } from '../../tools/metrics/report';

const ROOT = join(__dirname, '..', '..');
const ITEMS: Array<Record<string, AttributeValue>> = JSON.parse(
  readFileSync(join(ROOT, 'events', 'metrics', 'weekly.state.json'), 'utf8'),
);
/** The sample's digest moment: Monday 23 November 2026 09:00 UTC. */
const NOW = Date.parse('2026-11-23T09:00:00Z');
const SAVED = { ...process.env };

let state: StateTableServer;

beforeAll(async () => {
  state = await startStateTable();
  await state.createTable('herald-qa-state');
  for (const item of ITEMS)
    await state.client.send(new PutItemCommand({ TableName: 'herald-qa-state', Item: item }));
  await state.createTable('herald-empty-state');
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_DYNAMODB: state.endpoint,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALONLY',
    AWS_SECRET_ACCESS_KEY: 'local-only',
  });
});

afterAll(async () => {
  process.env = SAVED;
  await state.close();
});

async function run(...argv: string[]) {
  const lines: string[] = [];
  const code = await main(
    argv,
    (line) => lines.push(line),
    () => NOW,
  );
  return { code, out: lines.join('\n') };
}

/** Prod deployments in the sample that ended in [from, until), counted from the items themselves. */
function prodDeploymentsIn(pipeline: string, from: number, until: number): number {
  return ITEMS.filter((item) => {
    const ended = Number(item.prodEndedAt?.N ?? Number.NaN);
    return item.pipeline?.S === pipeline && item.prodOutcome?.S && ended >= from && ended < until;
  }).length;
}

describe('npm run metrics', () => {
  it('prints the figures per pipeline and week, from one paged Query of the ByTime index (no Scan)', async () => {
    state.calls.clear();
    const { code, out } = await run('--stage', 'qa', '--since', '8w');

    expect(code).toBe(0);
    expect(out).toContain(
      'Herald delivery metrics · herald-qa-state · eu-west-1 · 2026-09-28 – 2026-11-23 (UTC)',
    );
    expect(out).toContain('\nherald-stage-pipeline\n');
    expect(out).toContain('\nsearch-pipeline\n');
    expect(out).toMatch(/2024 DORA bands: frequency \d+\.\d a week: (elite|high|medium|low)/);
    expect(state.calls.get('Query')).toBeGreaterThanOrEqual(1);
    expect(state.calls.get('Scan')).toBeUndefined();
  });

  it('--json: weeks from Monday to Monday whose counts add up to the total, which matches the items', async () => {
    const { code, out } = await run('--stage', 'qa', '--since', '8w', '--json');
    const { from, until, rows } = JSON.parse(out) as { from: string; until: string; rows: ReportRow[] };

    expect(code).toBe(0);
    expect([from, until]).toEqual(['2026-09-28T00:00:00.000Z', '2026-11-23T09:00:00.000Z']);
    for (const pipeline of ['herald-stage-pipeline', 'search-pipeline']) {
      const weeks = rows.filter((r) => r.pipeline === pipeline && r.week !== 'total');
      const total = rows.find((r) => r.pipeline === pipeline && r.week === 'total');
      expect(weeks.map((w) => new Date(w.from).getUTCDay())).toEqual(Array(weeks.length).fill(1));
      expect(weeks.at(-1)?.until).toBe(until);
      expect(total?.deployments).toBe(weeks.reduce((sum, w) => sum + w.deployments, 0));
      expect(total?.deployments).toBe(prodDeploymentsIn(pipeline, Date.parse(from), Date.parse(until)));
      expect(total?.deployments).toBeGreaterThan(0);
      expect(total?.frequencyBand).toEqual(expect.stringMatching(/^(elite|high|medium|low)$/));
    }
    // The sample's failures show: a change failure rate above zero somewhere, recovered.
    expect(rows.some((r) => r.week === 'total' && (r.changeFailureRate ?? 0) > 0 && r.recovered > 0)).toBe(
      true,
    );
  });

  it('--csv with --pipeline: a header and one line per week and total of that pipeline only', async () => {
    const { code, out } = await run(
      '--stage',
      'qa',
      '--since',
      '2026-11-02',
      '--csv',
      '--pipeline',
      'search-pipeline',
    );
    const [header, ...lines] = out.split('\n');

    expect(code).toBe(0);
    expect(header?.split(',').slice(0, 5)).toEqual(['pipeline', 'week', 'from', 'until', 'deployments']);
    expect(lines.map((line) => line.split(',').slice(0, 2).join(' '))).toEqual([
      'search-pipeline 2026-11-02',
      'search-pipeline 2026-11-09',
      'search-pipeline 2026-11-16',
      'search-pipeline 2026-11-23',
      'search-pipeline total',
    ]);
  });

  it('says so when the period has no release', async () => {
    const { code, out } = await run('--stage', 'empty');

    expect(code).toBe(0);
    expect(out).toContain('No release in this period');
  });

  it('names the table and the way out when the stage has no state table', async () => {
    const { code, out } = await run('--stage', 'nope');

    expect(code).toBe(1);
    expect(out).toBe(
      '✗ no table herald-nope-state (or its ByTime index) in this region: is Herald deployed to stage nope here? (--region, --table)',
    );
  });

  it.each([
    [[], '✗ --stage is required'],
    [['--stage', 'qa', '--since', 'last month'], '✗ --since last month: 90d, 12w or a date'],
    [['--stage', 'qa', '--since', '500d'], 'Herald keeps 430 days of history'],
    [['--stage', 'qa', '--json', '--csv'], '✗ --json and --csv: choose one'],
    [['--stage', 'qa', '--until', '2026-01-01', '--since', '2026-02-01'], 'is not before --until'],
    [['--stage', 'qa', '--week'], "Unknown option '--week'"],
  ])('refuses %j with exit code 2 and the usage', async (argv, message) => {
    const { code, out } = await run(...argv);

    expect(code).toBe(2);
    expect(out).toContain(message);
    expect(out).toContain('usage: npm run metrics -- --stage <stage>');
  });

  it('as a command, reads with the default credential chain', async () => {
    const { stdout } = await promisify(execFile)(
      join(ROOT, 'node_modules', '.bin', 'tsx'),
      ['tools/metrics.ts', '--stage', 'qa', '--since', '2026-11-16', '--until', '2026-11-23', '--csv'],
      { cwd: ROOT, env: { ...process.env }, timeout: 30_000 },
    );

    expect(stdout.trim().split('\n')).toHaveLength(1 + 2 * 2);
  }, 30_000);
});

describe('the report', () => {
  it('starts weeks on Monday 00:00 UTC and cuts the last at the end', () => {
    // Sunday 22 November 2026 23:30 UTC belongs to the week of Monday the 16th.
    expect(new Date(weekStart(Date.parse('2026-11-22T23:30:00Z'))).toISOString()).toBe(
      '2026-11-16T00:00:00.000Z',
    );
    expect(new Date(weekStart(Date.parse('2026-11-23T00:00:00Z'))).toISOString()).toBe(
      '2026-11-23T00:00:00.000Z',
    );
    const weeks = weeksOf(Date.parse('2026-11-18T12:00:00Z'), Date.parse('2026-11-25T06:00:00Z'));
    expect(weeks.map((w) => [new Date(w.from).toISOString(), new Date(w.until).toISOString()])).toEqual([
      ['2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z'],
      ['2026-11-23T00:00:00.000Z', '2026-11-25T06:00:00.000Z'],
    ]);
  });

  it('reads --since as days, weeks or a date', () => {
    expect(parseSince('90d', NOW)).toBe(NOW - 90 * 86_400_000);
    expect(parseSince('2w', NOW)).toBe(NOW - 14 * 86_400_000);
    expect(parseSince('2026-09-01', NOW)).toBe(Date.parse('2026-09-01T00:00:00Z'));
    expect(parseSince('2026-02-30', NOW)).toBeUndefined();
    expect(parseSince('-3d', NOW)).toBeUndefined();
  });

  it('quotes a CSV cell with a comma or a quote, and leaves a figure without data empty', () => {
    const row = {
      pipeline: 'a "quoted", name',
      week: 'total',
      from: '',
      until: '',
      deployments: 0,
      successful: 0,
      failed: 0,
      perWeek: 0,
      commits: 0,
      recovered: 0,
      unrecovered: 0,
    };
    const line = toCsv([row]).split('\n')[1];

    expect(line?.startsWith('"a ""quoted"", name",total,,,0,0,0,0,,,0,,,0,0')).toBe(true);
  });
});
