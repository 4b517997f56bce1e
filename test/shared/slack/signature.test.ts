import { signBody, verifySlackSignature } from '../../../shared/slack/signature';

// A known answer computed outside Herald, with obviously fake values (no real secret, token or URL):
// printf 'v0:<TIMESTAMP>:<BODY>' | openssl dgst -sha256 -hmac '<SECRET>'
const SECRET = 'fake-signing-secret-for-tests-0000';
const TIMESTAMP = '1531420618';
const BODY =
  'token=FAKE-VERIFICATION-TOKEN&team_id=TFAKE&user_id=UFAKE&command=%2Ffake&text=&response_url=https%3A%2F%2Fexample.invalid%2Ffake-response-url';
const SIGNATURE = 'v0=03e2f0eca2984d0fecf69c28d4f5de5429c5893670df6498e412e7cd95557f60';
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
  it('accepts a request signed as Slack signs (v0, HMAC-SHA256 of v0:timestamp:body)', () => {
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
    ['one changed byte of the body', { body: Buffer.from(BODY.replace('UFAKE', 'UFAKF')) }, 'bad-signature'],
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
