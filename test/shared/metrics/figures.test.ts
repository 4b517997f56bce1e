import {
  DAY,
  figuresOf,
  formatSpan,
  HOUR,
  percentile,
  sparkline,
  WEEK,
  weeklyDeployments,
} from '../../../shared/metrics/figures';
import type { HistoryRecord } from '../../../shared/metrics/history';

const t = (iso: string) => Date.parse(iso);
const MIN = 60_000;
/** The week of Monday 16 November 2026. */
const WEEK_OF_16TH = { from: t('2026-11-16T00:00:00Z'), until: t('2026-11-23T00:00:00Z') };

function run(executionId: string, fields: Partial<HistoryRecord>, pipeline = 'shop-pipeline'): HistoryRecord {
  return { pipeline, executionId, at: fields.startedAt ?? fields.prodEndedAt ?? 0, ...fields };
}

const commit = (id: string, at: string) => ({ id, at });

/** One week of shop-pipeline with every edge case the figures must survive. */
const HISTORY: HistoryRecord[] = [
  // Ships three commits: 24 h, 2 h and 1 h before it reached prod.
  run('a-success', {
    startedAt: t('2026-11-17T09:00:00Z'),
    prodEndedAt: t('2026-11-17T10:00:00Z'),
    prodOutcome: 'succeeded',
    outcome: 'succeeded',
    commits: [
      commit('c3', '2026-11-17T09:00:00Z'),
      commit('c2', '2026-11-17T08:00:00Z'),
      commit('c1', '2026-11-16T10:00:00Z'),
    ],
  }),
  // A failed build and a superseded run never reach prod: no prod deployment.
  run('b-build-failed', {
    startedAt: t('2026-11-17T11:00:00Z'),
    endedAt: t('2026-11-17T11:04:00Z'),
    outcome: 'failed',
  }),
  run('c-superseded', {
    startedAt: t('2026-11-17T12:00:00Z'),
    endedAt: t('2026-11-17T12:30:00Z'),
    outcome: 'superseded',
  }),
  // Failed in prod; CodeDeploy rolled it back automatically, good again 6 minutes later.
  run('d-auto-rollback', {
    startedAt: t('2026-11-18T11:00:00Z'),
    prodFailedAt: t('2026-11-18T12:00:00Z'),
    prodEndedAt: t('2026-11-18T12:00:00Z'),
    prodOutcome: 'failed',
    rolledBackAt: t('2026-11-18T12:00:00Z'),
    rolledBackBy: 'CodeDeploy (automatic rollback)',
    recoveredAt: t('2026-11-18T12:06:00Z'),
    commits: [commit('c-bad', '2026-11-18T10:00:00Z')],
  }),
  // Rolled back from Slack in its bake window (the stage fails a minute after), good 4 minutes on.
  run('e-slack-rollback', {
    startedAt: t('2026-11-19T13:00:00Z'),
    rolledBackAt: t('2026-11-19T15:00:00Z'),
    rolledBackBy: 'Li Wei',
    prodFailedAt: t('2026-11-19T15:01:00Z'),
    prodEndedAt: t('2026-11-19T15:01:00Z'),
    prodOutcome: 'failed',
    recoveredAt: t('2026-11-19T15:04:00Z'),
  }),
  // Its prod stage failed, was retried and succeeded 30 minutes later: one deployment, a failed one.
  run('f-retried', {
    startedAt: t('2026-11-20T08:30:00Z'),
    prodFailedAt: t('2026-11-20T09:00:00Z'),
    prodEndedAt: t('2026-11-20T09:30:00Z'),
    prodOutcome: 'succeeded',
    commits: [commit('c4', '2026-11-20T08:00:00Z')],
  }),
  // A commit that waited a week.
  run('g-slow', {
    startedAt: t('2026-11-21T08:00:00Z'),
    prodEndedAt: t('2026-11-21T10:00:00Z'),
    prodOutcome: 'succeeded',
    commits: [commit('c5', '2026-11-14T10:00:00Z')],
  }),
  // The week before: not in this period.
  run('h-before', {
    startedAt: t('2026-11-10T08:00:00Z'),
    prodEndedAt: t('2026-11-10T10:00:00Z'),
    prodOutcome: 'succeeded',
    commits: [commit('c0', '2026-11-10T07:00:00Z')],
  }),
];

describe('delivery figures of a week', () => {
  const figures = figuresOf('shop-pipeline', HISTORY, WEEK_OF_16TH);

  it('counts prod deployments: not failed builds, superseded runs or other weeks; a retried stage once', () => {
    expect({
      deployments: figures.deployments,
      successful: figures.successful,
      failed: figures.failed,
    }).toEqual({
      deployments: 5,
      successful: 3,
      failed: 3,
    });
    expect(figures.perWeek).toBe(3);
    expect(figures.bands.frequency).toBe('high');
  });

  it('takes the lead time of every commit shipped, not only the head: median and 90th percentile', () => {
    // 1 h, 1.5 h, 2 h, 24 h, 7 d: the failed deployment's commit is not counted.
    expect(figures.leadTime).toEqual({ median: 2 * HOUR, p90: 7 * DAY, commits: 5 });
    expect(figures.bands.leadTime).toBe('elite');
    expect(figures.slowestLead).toEqual({ commit: 'c5', executionId: 'g-slow', ms: 7 * DAY });
  });

  it('counts automatic rollbacks, rollbacks from Slack and failed attempts as change failures', () => {
    expect(figures.changeFailureRate).toBeCloseTo(3 / 5);
    expect(figures.bands.changeFailureRate).toBe('low');
  });

  it('measures recovery to the rollback success or the successful retry, from the first sign of failure', () => {
    // d: 6 min (rollback), e: 4 min (from the rollback's start), f: 30 min (the retry).
    expect(figures.recovery).toEqual({ median: 6 * MIN, recovered: 3 });
    expect(figures.unrecovered).toBe(0);
    expect(figures.bands.recovery).toBe('elite');
    expect(figures.longestRecovery).toEqual({ executionId: 'f-retried', ms: 30 * MIN });
  });

  it('recovers a failure without a rollback at the next successful deployment; one not yet recovered is said', () => {
    const history = [
      run(
        'x-failed',
        {
          prodFailedAt: t('2026-11-17T10:00:00Z'),
          prodEndedAt: t('2026-11-17T10:00:00Z'),
          prodOutcome: 'failed',
        },
        'pay',
      ),
      run('y-fixed', { prodEndedAt: t('2026-11-18T16:00:00Z'), prodOutcome: 'succeeded' }, 'pay'),
      run(
        'z-failed-late',
        {
          prodFailedAt: t('2026-11-22T20:00:00Z'),
          prodEndedAt: t('2026-11-22T20:00:00Z'),
          prodOutcome: 'failed',
        },
        'pay',
      ),
    ];

    const pay = figuresOf('pay', history, WEEK_OF_16TH);

    expect(pay.recovery).toEqual({ median: 30 * HOUR, recovered: 1 });
    expect(pay.unrecovered).toBe(1);
    expect(pay.bands.recovery).toBe('low');
    expect(pay.changeFailureRate).toBeCloseTo(2 / 3);
  });

  it('says nothing for a week without a release: no rate, no band, zero deployments', () => {
    const quiet = figuresOf('shop-pipeline', HISTORY, {
      from: WEEK_OF_16TH.until,
      until: WEEK_OF_16TH.until + WEEK,
    });

    expect(quiet).toMatchObject({
      deployments: 0,
      successful: 0,
      failed: 0,
      perWeek: 0,
      unrecovered: 0,
      bands: {},
    });
    expect(quiet.changeFailureRate).toBeUndefined();
    expect(quiet.leadTime).toBeUndefined();
    expect(quiet.recovery).toBeUndefined();
  });
});

describe('the figures’ helpers', () => {
  it('takes nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('says a span as people do: seconds under a minute, minutes under two days, then days and hours', () => {
    expect(formatSpan(45_000)).toBe('45 s');
    expect(formatSpan(30.4 * 60_000)).toBe('30 min');
    expect(formatSpan(3 * HOUR + 10 * 60_000 + 20_000)).toBe('3 h 10 min');
    expect(formatSpan(2 * HOUR)).toBe('2 h');
    expect(formatSpan(2 * DAY + 5 * HOUR)).toBe('2 d 5 h');
    expect(formatSpan(-1)).toBe('unknown');
  });

  it('counts successful deployments per week, oldest first, and draws them', () => {
    const weekly = weeklyDeployments('shop-pipeline', HISTORY, WEEK_OF_16TH.until, 3);

    expect(weekly).toEqual([0, 1, 3]);
    expect(sparkline(weekly)).toBe('▁▃█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });
});
