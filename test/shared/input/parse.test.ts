import * as z from 'zod/mini';
import { parseEvents, unwrapSns } from '../../../shared/input/parse';

const schema = z.object({ source: z.literal('aws.codebuild'), detail: z.object({ id: z.string() }) });

const sns = (...messages: string[]) => ({
  Records: messages.map((Message) => ({ EventSource: 'aws:sns', Sns: { Message, Subject: null } })),
});

describe('parseEvents', () => {
  it('passes a direct event through', () => {
    expect(parseEvents({ source: 'aws.codebuild', detail: { id: 'a' } }, schema)).toEqual({
      events: [{ source: 'aws.codebuild', detail: { id: 'a' } }],
      rejected: [],
    });
  });

  it('unwraps every SNS record, keeping the good ones beside a bad one', () => {
    const input = sns(
      JSON.stringify({ source: 'aws.codebuild', detail: { id: 'a' } }),
      JSON.stringify({ source: 'aws.codebuild', 'detail-type': 'Something', detail: {} }),
      'not json',
    );

    const { events, rejected } = parseEvents(input, schema);

    expect(events).toEqual([{ source: 'aws.codebuild', detail: { id: 'a' } }]);
    expect(rejected).toEqual([
      { reason: 'SNS message is not JSON', label: 'not json' },
      {
        reason: expect.stringMatching(/^detail\.id: /),
        label: 'aws.codebuild / Something',
        clues: { names: [], region: undefined },
      },
    ]);
  });

  it('rejects an unknown payload with a readable label instead of throwing', () => {
    const { events, rejected } = parseEvents({ hello: 'world' }, schema);

    expect(events).toEqual([]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.label).toBe('object with keys hello');
  });
});

describe('unwrapSns', () => {
  it('leaves a non-SNS input alone', () => {
    expect(unwrapSns([1, 2])).toEqual({ payloads: [[1, 2]], rejected: [] });
  });
});
