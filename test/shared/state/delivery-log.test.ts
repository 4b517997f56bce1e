import {
  claimChannelsAhead,
  type Describer,
  notify,
  PublishError,
  send,
  sendToChannels,
} from '../../../shared/flow/notify';
import type { Notice } from '../../../shared/notice/notice';
import { fingerprint } from '../../../shared/state/delivery-log';
import type { SlackServer } from '../../../testkit/slack-receiver';
import type { StateTableServer } from '../../../testkit/state-table';
import { testRuntime, useSlackAndState } from '../../helpers/runtime';

const NOTICE: Notice = {
  source: 'codebuild',
  kind: 'build.failed',
  severity: 'failure',
  title: 'Build failed: shop-api #7',
  facts: [{ label: 'Project', value: 'shop-api' }],
  details: [],
  links: [],
  context: [],
  correlation: { buildId: 'shop-api:7' },
  occurredAt: '2026-11-20T14:07:41.000Z',
};

const local = useSlackAndState();
let slack: SlackServer;
let state: StateTableServer;
let table: string;

beforeEach(async () => {
  slack = local.slack();
  state = local.state();
  table = await state.createTable();
});

function logged(now?: () => number) {
  return testRuntime(slack, { state: { dynamo: state.client, table, now } });
}

describe('the delivery log (on dynalite)', () => {
  it('posts a notice once per channel however often its event comes', async () => {
    const { runtime, lines } = logged();

    await send(runtime, NOTICE);
    await send(runtime, NOTICE);
    await send(runtime, { ...NOTICE });

    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
    expect(lines.filter((l) => l.message === 'Notice already delivered')).toHaveLength(4);
  });

  it('posts once when two invocations race on the same claim', async () => {
    const first = logged();
    const second = logged();

    const outcomes = await Promise.allSettled([send(first.runtime, NOTICE), send(second.runtime, NOTICE)]);

    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(slack.requests.map((r) => r.path).sort()).toEqual([
      '/services/T0/alerts/x',
      '/services/T0/releases/x',
    ]);
  });

  it('after a partial failure, the retry posts only where it failed', async () => {
    const { runtime } = logged();
    slack.script({ status: 200, body: 'ok' }, { status: 404, body: 'no_service' });

    await expect(send(runtime, NOTICE)).rejects.toBeInstanceOf(PublishError);
    await send(runtime, NOTICE);

    expect(slack.requests.map((r) => r.path)).toEqual([
      '/services/T0/releases/x',
      '/services/T0/alerts/x',
      '/services/T0/alerts/x',
    ]);
  });

  it('knows a notice by its draft, so a retry whose AWS reads went differently is still recognised', async () => {
    const { runtime } = logged();
    let reads = 0;
    const source: Describer<string, string> = {
      describe: (_model, enrichment) => (enrichment ? { ...NOTICE, summary: enrichment } : NOTICE),
      enrich: async () => {
        reads += 1;
        return reads === 1 ? 'exit status 1' : 'Not available: build log (ThrottlingException)';
      },
    };

    await notify(runtime, 'model', source);
    await notify(runtime, 'model', source);

    expect(reads).toBe(2);
    expect(slack.requests).toHaveLength(2);
  });

  it('claims while the notice is enriched, so the claim is not on the way to Slack', async () => {
    const { runtime } = logged();
    let claimsDuringEnrichment = -1;
    const source: Describer<string, string> = {
      describe: (_model, enrichment) => (enrichment ? { ...NOTICE, summary: enrichment } : NOTICE),
      enrich: async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        claimsDuringEnrichment = state.calls.get('UpdateItem') ?? 0;
        return 'exit status 1';
      },
    };
    state.calls.clear();

    await notify(runtime, 'model', source);

    // Both channels claimed before the enrichment ended; then posted and recorded as sent.
    expect(claimsDuringEnrichment).toBe(2);
    expect(slack.requests).toHaveLength(2);
    expect(state.calls.get('UpdateItem')).toBe(4);
  });

  it('gives the claims back when the enrichment silences the notice, or fails', async () => {
    const { runtime } = logged();
    const silenced: Describer<string, string> = {
      describe: () => NOTICE,
      enrich: async () => ({ silenced: 'folded into its window' }),
    };
    const failing: Describer<string, string> = {
      describe: () => NOTICE,
      enrich: async () => {
        throw new Error('a bug in enrichment');
      },
    };
    const posting: Describer<string, string> = { describe: () => NOTICE, enrich: async () => 'enriched' };

    await notify(runtime, 'model', silenced);
    await expect(notify(runtime, 'model', failing)).rejects.toThrow('a bug in enrichment');
    // Nothing was posted, and nothing holds the notice: the next pass posts it at once.
    expect(slack.requests).toHaveLength(0);
    await notify(runtime, 'model', posting);
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
  });

  it('claims beside the record step, and gives the claims back when the record silences the notice', async () => {
    const { runtime } = logged();
    let claimsDuringRecord = -1;
    const source: Describer<string, string, string> = {
      describe: () => NOTICE,
      record: async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        claimsDuringRecord = state.calls.get('UpdateItem') ?? 0;
        return { silenced: 'folded into its window' };
      },
      enrich: async () => 'never read',
    };
    state.calls.clear();

    await notify(runtime, 'model', source);

    expect(claimsDuringRecord).toBe(2);
    expect(slack.requests).toHaveLength(0);
    // Given back: the next pass of the notice posts it.
    await send(runtime, NOTICE, fingerprint(NOTICE));
    expect(slack.requests).toHaveLength(2);
  });

  it('gives back only its own claim: one taken after its lease ran out stays with whoever took it', async () => {
    let now = Date.parse('2026-11-20T14:08:00Z');
    const slow = logged(() => now);
    const later = logged(() => now);
    const id = fingerprint(NOTICE);
    expect(await slow.runtime.deliveryLog?.claim(id, 'releases')).toBe(true);
    now += 61_000;
    expect(await later.runtime.deliveryLog?.claim(id, 'releases')).toBe(true);

    // The slow sender's post failed at last: its release must not free the later sender's claim.
    await slow.runtime.deliveryLog?.release(id, 'releases');

    expect(await logged(() => now).runtime.deliveryLog?.claim(id, 'releases')).toBe(false);
    // The later sender's own release does give it back.
    await later.runtime.deliveryLog?.release(id, 'releases');
    expect(await logged(() => now).runtime.deliveryLog?.claim(id, 'releases')).toBe(true);
  });

  it("claims ahead by the channels' parameters; two parameters holding one URL are claimed as one at delivery", async () => {
    const same = `${slack.url}/services/T0/shared/x`;
    const run = () =>
      testRuntime(slack, {
        state: { dynamo: state.client, table },
        parameters: { '/herald/t/slack/releases': same, '/herald/t/slack/alerts': same },
      });
    const source: Describer<string, string> = { describe: () => NOTICE, enrich: async () => 'enriched' };

    await notify(run().runtime, 'model', source);
    const again = run();
    await notify(again.runtime, 'model', source);

    // Posted once; the retry knew it (the claims foreseen per channel were given back, unused).
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/shared/x']);
    expect(again.lines).toContainEqual(
      expect.objectContaining({
        message: 'Notice already delivered',
        attributes: expect.objectContaining({ target: 'releases+alerts' }),
      }),
    );
    expect(await run().runtime.deliveryLog?.claim(fingerprint(NOTICE), 'releases')).toBe(true);
  });

  it('gives back the claim of a channel the enriched notice no longer goes to', async () => {
    const { runtime } = logged();
    // The draft is a failure (releases and alerts); enriched, it is a success (releases only).
    const source: Describer<string, string> = {
      describe: (_model, enrichment) => (enrichment ? { ...NOTICE, severity: 'success' } : NOTICE),
      enrich: async () => 'retried and passed',
    };

    await notify(runtime, 'model', source);
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x']);
    // The alerts channel's claim was given back: the failure itself still reaches it.
    await send(runtime, NOTICE, fingerprint(NOTICE));
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/releases/x', '/services/T0/alerts/x']);
  });

  it('claims named channels ahead each on its own, as each is delivered, even when they share one webhook', async () => {
    const { runtime } = testRuntime(slack, {
      state: { dynamo: state.client, table },
      env: { SLACK_WEBHOOK_URL: slack.webhookUrl },
    });
    const id = 'digest-of-a-week';

    const ahead = claimChannelsAhead(runtime, id, ['releases', 'alerts']);
    await sendToChannels(runtime, NOTICE, ['releases'], id, ahead);

    // The delivery found its channel's claim among those taken ahead (not a group's it never asks).
    expect(await ahead?.claimed('releases')).toBe(true);
    await ahead?.releaseUnused();
    // Given back: another delivery of the alerts' part may claim it; the releases' stays delivered.
    expect(await runtime.deliveryLog?.claim(id, 'alerts')).toBe(true);
    expect(await runtime.deliveryLog?.claim(id, 'releases')).toBe(false);
  });

  it('tells different events apart', () => {
    expect(fingerprint(NOTICE)).toBe(fingerprint({ ...NOTICE }));
    expect(fingerprint(NOTICE)).not.toBe(fingerprint({ ...NOTICE, correlation: { buildId: 'shop-api:8' } }));
    expect(fingerprint(NOTICE)).not.toBe(fingerprint({ ...NOTICE, occurredAt: '2026-11-20T14:07:42.000Z' }));
  });

  it('takes over a claim whose sender died, once its lease is over', async () => {
    let now = Date.parse('2026-11-20T14:08:00Z');
    const { runtime } = logged(() => now);
    await runtime.deliveryLog?.claim(fingerprint(NOTICE), 'releases');

    await send(runtime, NOTICE);
    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/alerts/x']);
    now += 61_000;
    await send(runtime, NOTICE);

    expect(slack.requests.map((r) => r.path)).toEqual(['/services/T0/alerts/x', '/services/T0/releases/x']);
  });

  it('posts anyway when the log cannot be written: a duplicate is better than a lost alert', async () => {
    const { runtime, lines } = testRuntime(slack, {
      state: { dynamo: state.client, table: 'herald-missing-state' },
    });

    await send(runtime, NOTICE);

    expect(slack.requests).toHaveLength(2);
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'Delivery log unavailable; posting without it',
        attributes: expect.objectContaining({ error: 'ResourceNotFoundException' }),
      }),
    );
  });
});
