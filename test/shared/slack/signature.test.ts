import { signBody, verifySlackSignature } from '../../../shared/slack/signature';

// Slack's published example (api.slack.com, "Verifying requests from Slack"): a documentation
// secret, not a real one.
const SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const TIMESTAMP = '1531420618';
const BODY =
  'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
const SIGNATURE = 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503';
const NOW = Number(TIMESTAMP);

function verify(overrides: Partial<Parameters<typeof verifySlackSignature>[0]> = {}) {
  return verifySlackSignature({
    secret: SECRET,
    body: Buffer.from(BODY, 'utf8'),
    signature: SIGNATURE,
    timestamp: TIMESTAMP,
    nowSeconds: NOW,
    ...overrides,
  });
}

describe('verifySlackSignature', () => {
  it("accepts Slack's published example", () => {
    expect(signBody(SECRET, TIMESTAMP, BODY)).toBe(SIGNATURE);
    expect(verify()).toEqual({ ok: true });
  });

  it('accepts a timestamp 300 s old or 300 s ahead', () => {
    expect(verify({ nowSeconds: NOW + 300 })).toEqual({ ok: true });
    expect(verify({ nowSeconds: NOW - 300 })).toEqual({ ok: true });
  });

  it.each([
    ['a timestamp 301 s old', { nowSeconds: NOW + 301 }, 'stale-timestamp'],
    ['a timestamp 301 s in the future', { nowSeconds: NOW - 301 }, 'stale-timestamp'],
    [
      'one changed byte of the body',
      { body: Buffer.from(BODY.replace('roadrunner', 'roadrunnex')) },
      'bad-signature',
    ],
    ['a v1= signature', { signature: SIGNATURE.replace('v0=', 'v1=') }, 'unsupported-version'],
    ['a signature one hex digit short', { signature: SIGNATURE.slice(0, -1) }, 'bad-signature'],
    ['a signature one hex digit long', { signature: `${SIGNATURE}0` }, 'bad-signature'],
    ['a missing signature', { signature: undefined }, 'missing-signature'],
    ['a missing timestamp', { timestamp: undefined }, 'missing-timestamp'],
    ['a non-numeric timestamp', { timestamp: '1531420618a' }, 'bad-timestamp'],
    ['a valid signature of another body', { body: Buffer.from('payload=%7B%7D') }, 'bad-signature'],
    ['another secret', { secret: 'another-secret-of-the-same-size' }, 'bad-signature'],
  ])('rejects %s', (_name, overrides, reason) => {
    expect(verify(overrides)).toEqual({ ok: false, reason });
  });

  it('verifies the bytes, so a body with non-ASCII characters verifies as sent', () => {
    const body = Buffer.from('payload=%7B%22text%22%3A%22Caf%C3%A9%20%E2%9C%85%22%7D&note=Café ✅', 'utf8');
    const signature = signBody(SECRET, TIMESTAMP, body);

    expect(verify({ body, signature })).toEqual({ ok: true });
    expect(verify({ body: Buffer.from(body.toString('latin1'), 'utf8'), signature })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });
});
