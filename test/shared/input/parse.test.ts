import * as v from 'valibot';
import { parseEvents, unwrapSns } from '../../../shared/input/parse';

const schema = v.object({ source: v.literal('aws.codebuild'), detail: v.object({ id: v.string() }) });

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

  it('tells, of a union of event shapes, what the closest shape missed', () => {
    const either = v.union([
      schema,
      v.object({ source: v.literal('aws.codebuild'), 'detail-type': v.literal('Phase'), phase: v.string() }),
    ]);

    const { rejected } = parseEvents({ source: 'aws.codebuild', detail: { id: 7 } }, either);

    expect(rejected[0]?.reason).toBe('detail.id: Invalid type: Expected string but received 7');
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
