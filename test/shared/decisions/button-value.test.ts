import {
  decodeApprovalValue,
  decodeBakeValue,
  encodeButtonValue,
} from '../../../shared/decisions/button-value';
import { APPROVAL, BAKE } from '../../../testkit/slack-interaction';

describe('the button value: one codec for approvals and rollbacks', () => {
  it('reads back what it wrote, for each kind', () => {
    expect(decodeApprovalValue(encodeButtonValue(APPROVAL))).toEqual(APPROVAL);
    expect(decodeBakeValue(encodeButtonValue(BAKE))).toEqual(BAKE);
  });

  it('never reads one kind as the other', () => {
    expect(decodeApprovalValue(encodeButtonValue(BAKE))).toBeUndefined();
    expect(decodeBakeValue(encodeButtonValue(APPROVAL))).toBeUndefined();
  });

  it('still reads the one-letter values of messages posted before it (version 1)', () => {
    const approval = JSON.stringify({
      v: 1,
      p: APPROVAL.pipeline,
      s: APPROVAL.stage,
      a: APPROVAL.action,
      t: APPROVAL.token,
      e: APPROVAL.environment,
      au: APPROVAL.authors,
      x: APPROVAL.expires,
    });
    const bake = JSON.stringify({
      v: 1,
      d: BAKE.deployment,
      a: BAKE.application,
      g: BAKE.group,
      s: BAKE.service,
      n: BAKE.revision,
      o: BAKE.original,
      w: BAKE.until,
    });

    expect(decodeApprovalValue(approval)).toEqual(APPROVAL);
    expect(decodeBakeValue(bake)).toEqual(BAKE);
  });

  it.each([
    ['not JSON', '{'],
    ['a future version', JSON.stringify({ ...APPROVAL, v: 3 })],
    ['a token with a quote', encodeButtonValue({ ...APPROVAL, token: 'abc"; drop' })],
    ['six authors', encodeButtonValue({ ...APPROVAL, authors: ['a', 'b', 'c', 'd', 'e', 'f'] })],
    [
      'a version-1 value with a hostile token',
      JSON.stringify({ v: 1, p: 'p', s: 's', a: 'a', t: '<x>', e: '', au: [] }),
    ],
  ])('refuses %s', (_what, text) => {
    expect(decodeApprovalValue(text)).toBeUndefined();
  });

  it('stays under Slack 2000-character value limit at its longest', () => {
    const longest = encodeButtonValue({
      ...APPROVAL,
      pipeline: 'p'.repeat(100),
      stage: 's'.repeat(100),
      action: 'a'.repeat(100),
      token: 't'.repeat(128),
      environment: 'e'.repeat(50),
      authors: Array.from({ length: 5 }, () => 'x'.repeat(200)),
      expires: '2026-11-27T15:48:00.000Z',
      execution: 'r'.repeat(64),
    });

    expect(decodeApprovalValue(longest)).toBeDefined();
    expect(longest.length).toBeLessThanOrEqual(2000);
  });
});
