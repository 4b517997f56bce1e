import { describeDigest, PIPELINES_PER_MESSAGE } from '../../../functions/metrics/describe';
import { formatSpan } from '../../../shared/metrics/figures';
import type { HistoryRecord } from '../../../shared/metrics/history';
import { renderNotice } from '../../../shared/slack/render';
import { assertSlackLimits, visibleText } from '../../helpers/slack-limits';

const AT = Date.parse('2026-11-23T09:00:00Z');
const H = 3_600_000;

/** A service's 8 weeks: one to three releases a week, one failure rolled back in the last week. */
function weeks(pipeline: string, seed: number): HistoryRecord[] {
  const runs: HistoryRecord[] = [];
  for (let week = 0; week < 8; week++) {
    const count = 1 + ((seed + week) % 3);
    for (let i = 0; i < count; i++) {
      const end = AT - (7 - week) * 7 * 24 * H - (i + 1) * 26 * H;
      runs.push({
        pipeline,
        executionId: `${pipeline}-${week}-${i}`,
        at: end - 3 * H,
        prodEndedAt: end,
        prodOutcome: 'succeeded',
        commits: [{ id: `c${seed}${week}${i}aaaaaaa`, at: new Date(end - (5 + i) * H).toISOString() }],
      });
    }
  }
  runs.push({
    pipeline,
    executionId: `${pipeline}-bad`,
    at: AT - 30 * H,
    prodEndedAt: AT - 27 * H,
    prodFailedAt: AT - 27 * H,
    prodOutcome: 'failed',
    rolledBackAt: AT - 27 * H,
    rolledBackBy: 'Li Wei',
    recoveredAt: AT - 27 * H + 4 * 60_000,
  });
  return runs;
}

describe('the weekly digest', () => {
  it('reads as a team would read it (reviewed snapshot)', () => {
    const history = [...weeks('checkout-pipeline', 1), ...weeks('search-pipeline', 2)];

    const [notice, ...more] = describeDigest({
      at: AT,
      pipelines: ['search-pipeline', 'checkout-pipeline', 'quiet-pipeline'],
      history,
      region: 'eu-west-1',
    });

    expect(more).toEqual([]);
    expect(visibleText(renderNotice(notice as never))).toMatchSnapshot();
  });

  it('keeps within Slack’s limits for 50 pipelines: ten to a message, every pipeline once', () => {
    const names = Array.from(
      { length: 50 },
      (_, i) => `service-${String(i).padStart(2, '0')}-with-a-long-name-pipeline`,
    );
    const history = names.flatMap((name, i) => weeks(name, i));

    const notices = describeDigest({ at: AT, pipelines: names, history, region: 'eu-west-1' });
    const messages = notices.map((n) => renderNotice(n));

    expect(notices).toHaveLength(50 / PIPELINES_PER_MESSAGE);
    for (const message of messages) assertSlackLimits(message);
    const shown = messages.flatMap((m) => names.filter((name) => visibleText(m).includes(name)));
    expect(shown.sort()).toEqual([...names].sort());
    expect(notices.map((n) => n.title)).toEqual(
      Array.from({ length: 5 }, (_, i) => `Delivery this week: 50 pipelines (${i + 1}/5)`),
    );
  });

  it('says nothing for pipelines without a release in 8 weeks', () => {
    expect(
      describeDigest({ at: AT, pipelines: ['quiet-pipeline'], history: [], region: 'eu-west-1' }),
    ).toEqual([]);
  });

  it('says spans as people do', () => {
    expect(
      [45_000, 20 * 60_000, 3 * H + 10 * 60_000, 2 * 24 * H + 4 * H, 7 * 24 * H].map(formatSpan),
    ).toEqual(['45 s', '20 min', '3 h 10 min', '2 d 4 h', '7 d']);
  });
});
