import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeBuild } from '../../../functions/codebuild/describe';
import type { BuildEnrichment } from '../../../functions/codebuild/model';
import { buildEventSchema } from '../../../functions/codebuild/schema';
import { parseEvents } from '../../../shared/input/parse';
import { renderNotice } from '../../../shared/slack/render';
import { sampleEvent } from '../../helpers/lambda';
import { assertSlackLimits } from '../../helpers/slack-limits';

const SAMPLES = readdirSync(join(__dirname, '..', '..', '..', 'events', 'codebuild'))
  .filter((file) => file.endsWith('.json') && !file.endsWith('.aws.json'))
  // Build state changes only: phase changes have a describer of their own.
  .filter((file) => !file.startsWith('phase-'))
  .sort();

const ENRICHED: BuildEnrichment = {
  details: {
    buildNumber: 42,
    initiator: 'codepipeline/herald-stage-pipeline',
    sourceType: 'CODEPIPELINE',
    resolvedSourceVersion: '9f3c2a1b7e6d5c4b3a29180f7e6d5c4b3a291807',
    phases: [
      { type: 'BUILD', status: 'FAILED', contexts: ['COMMAND_EXECUTION_ERROR: npm test', 'exit status 1'] },
    ],
    logGroup: '/aws/codebuild/herald-stage-app',
    logStream: 'abc',
    startTime: '2026-11-20T14:04:12.000Z',
    endTime: '2026-11-20T14:07:40.000Z',
    environmentVariables: { HERALD_SOURCE_REPOSITORY: 'shop-api' },
  },
  logTail: ['> jest', 'FAIL src/checkout.test.ts', '  ✕ totals include VAT (12 ms)'],
  commitMessage: 'Add VAT to checkout totals\n\nCloses PAY-99',
  problems: [],
};

function parse(file: string) {
  const { events } = parseEvents(sampleEvent(`codebuild/${file}`), buildEventSchema);
  const [event] = events;
  if (!event) throw new Error(`events/codebuild/${file} does not parse`);
  return event;
}

describe('describeBuild', () => {
  it.each(SAMPLES)('describes %s from the event alone', (file) => {
    const notice = describeBuild(parse(file), { problems: [] });
    const message = renderNotice(notice);

    assertSlackLimits(message);
    expect({ notice, message }).toMatchSnapshot();
  });

  it('prefers what BatchGetBuilds says, and lists several reasons as a section', () => {
    const notice = describeBuild(parse('failed.json'), ENRICHED);

    expect(notice.summary).toBe('BUILD phase failed: COMMAND_EXECUTION_ERROR: npm test');
    expect(notice.details).toEqual([
      { type: 'text', label: 'Reason', text: 'COMMAND_EXECUTION_ERROR: npm test\nexit status 1' },
      { type: 'code', label: 'Last log lines', lines: ENRICHED.logTail, keep: 'tail' },
    ]);
    expect(notice.facts).toContainEqual({
      label: 'Commit',
      value: '9f3c2a1 · Add VAT to checkout totals',
      url: 'https://eu-west-1.console.aws.amazon.com/codesuite/codecommit/repositories/shop-api/commit/9f3c2a1b7e6d5c4b3a29180f7e6d5c4b3a291807?region=eu-west-1',
    });
  });

  it('is a pure function: the same event gives the same notice', () => {
    expect(describeBuild(parse('failed.json'), ENRICHED)).toEqual(
      describeBuild(parse('failed.json'), ENRICHED),
    );
  });

  it('names an unknown build status instead of failing', () => {
    const event = parse('succeeded.json');
    event.detail['build-status'] = 'PAUSED';

    const notice = describeBuild(event, { problems: [] });

    expect(notice).toMatchObject({
      kind: 'build.paused',
      severity: 'info',
      title: 'Build is paused: herald-stage-app #43',
    });
  });
});
