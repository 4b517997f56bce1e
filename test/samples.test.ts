/**
 * Every sample event in events/ through its real handler (the local rig: Slack on a local
 * receiver, AWS answers recorded next to the sample and served over HTTP to the real SDK, the
 * state table on dynalite): one snapshot per sample of what Herald posts, or why it stays silent,
 * and which AWS reads it made. Reviewed like code: a change here is a change of what teams see.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownKind } from '../shared/notice/kinds';
import type { Source } from '../shared/notice/notice';
import { type LocalRig, listSamples, runSample, startLocalRig } from '../testkit/samples';
import { assertSlackLimits } from './helpers/slack-limits';

const SAVED = { ...process.env };
let rig: LocalRig;

beforeAll(async () => {
  rig = await startLocalRig();
});

afterAll(async () => {
  await rig.close();
  process.env = SAVED;
});

/** The sources are the folders of events/: a new folder is tested without anyone listing it. */
const SOURCES = [...new Set(listSamples().map((sample) => sample.source))];

it('finds every notifying function among the sample folders', () => {
  const notifiers = readdirSync(join(__dirname, '..', 'functions')).filter(
    (name) => name !== 'slack-actions',
  );

  expect(SOURCES.map((source) => (source === 'approval' ? 'approval-request' : source)).sort()).toEqual(
    notifiers.sort(),
  );
});

describe.each(SOURCES)('%s samples', (source) => {
  const samples = listSamples().filter((sample) => sample.source === source);

  it.each(samples.map((sample) => [sample.name, sample] as const))('%s', async (_name, sample) => {
    const result = await runSample(sample, rig);

    expect(result.error).toBeUndefined();
    // The kinds a routing file can name (shared/notice/kinds.ts) include every kind made here.
    expect(
      result.kinds.filter((k) => !isKnownKind(k.split(':')[0] as Source, k.split(':')[1] ?? '')),
    ).toEqual([]);
    for (const message of result.messages) assertSlackLimits(message);
    if (result.messages.length === 0) expect(result.silentReason).toEqual(expect.any(String));
    expect({
      messages: result.messages,
      silent: result.silentReason,
      // Reads run side by side: their order is not part of the behaviour.
      awsReads: result.awsCalls.filter((call) => !call.startsWith('AmazonSSM.')).sort(),
    }).toMatchSnapshot();
  });
});
