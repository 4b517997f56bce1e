import { formatDuration, parseAwsDate } from '../../../shared/input/time';

describe('parseAwsDate', () => {
  it.each([
    ['2017-09-01T16:14:21Z', '2017-09-01T16:14:21.000Z'],
    ['2020-05-01T12:00:00.8Z', '2020-05-01T12:00:00.800Z'],
    ['2020-05-01T12:00:00.123456Z', '2020-05-01T12:00:00.123Z'],
    ['2016-07-07T20:22Z', '2016-07-07T20:22:00.000Z'],
    ['2021-03-04T10:00:00+0100', '2021-03-04T09:00:00.000Z'],
    ['Sep 1, 2017 4:12:29 PM', '2017-09-01T16:12:29.000Z'],
    ['Sep 1, 2017 12:05:00 AM', '2017-09-01T00:05:00.000Z'],
    ['Thu Oct 13 15:50:45 UTC 2022', '2022-10-13T15:50:45.000Z'],
    [1665676245, '2022-10-13T15:50:45.000Z'],
    [1665676245123, '2022-10-13T15:50:45.123Z'],
    ['1665676245', '2022-10-13T15:50:45.000Z'],
  ])('reads %p', (input, iso) => {
    expect(parseAwsDate(input)?.toISOString()).toBe(iso);
  });

  it.each([[undefined], [null], [''], ['yesterday'], ['Foo 1, 2017 4:12:29 PM'], [{}]])(
    'gives up on %p',
    (input) => {
      expect(parseAwsDate(input)).toBeUndefined();
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [45_000, '45 s'],
    [208_000, '3 min 28 s'],
    [180_000, '3 min'],
    [3_840_000, '1 h 4 min'],
    [7_200_000, '2 h'],
    [-1, 'unknown'],
  ])('formats %p ms as %p', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
