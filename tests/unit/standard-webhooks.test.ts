import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../functions/domain/security/standard-webhooks';
import { AuthenticationError, ValidationError } from '../../functions/domain/errors';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const now = new Date('2026-11-29T12:00:00Z');
const ts = Math.floor(now.getTime() / 1000);
const body = '{"id":"r1"}';

describe('Standard Webhooks verification', () => {
  it('accepts a correctly signed delivery and returns its id', () => {
    const signature = signWebhook(secret, 'msg_1', ts, body);
    expect(verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature }, body, [secret], now)).toBe('msg_1');
  });

  it('matches the specification test vector', () => {
    // From the Standard Webhooks reference implementations.
    const vector = {
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
      signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    expect(signWebhook(vector.secret, vector.id, vector.timestamp, vector.body)).toBe(vector.signature);
  });

  it('accepts any of several space-separated signatures (sender rotating keys)', () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    const signature = `${signWebhook(other, 'msg_1', ts, body)} ${signWebhook(secret, 'msg_1', ts, body)}`;
    expect(verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature }, body, [secret], now)).toBe('msg_1');
  });

  it('accepts a delivery signed with any configured secret (us rotating keys)', () => {
    const next = `whsec_${randomBytes(32).toString('base64')}`;
    const signature = signWebhook(secret, 'msg_1', ts, body);
    expect(verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature }, body, [next, secret], now)).toBe('msg_1');
  });

  it.each([
    ['a tampered body', { id: 'msg_1', timestamp: String(ts) }, '{"id":"r2"}'],
    ['another webhook id', { id: 'msg_2', timestamp: String(ts) }, body],
    ['another timestamp', { id: 'msg_1', timestamp: String(ts + 1) }, body],
  ])('rejects %s', (_, headers, sentBody) => {
    const signature = signWebhook(secret, 'msg_1', ts, body);
    expect(() => verifyWebhook({ ...headers, signature }, sentBody, [secret], now)).toThrow(AuthenticationError);
  });

  it('rejects missing headers, unknown versions and a timestamp more than five minutes off', () => {
    const signature = signWebhook(secret, 'msg_1', ts, body);
    expect(() => verifyWebhook({ id: 'msg_1', timestamp: String(ts) }, body, [secret], now)).toThrow(/Missing/);
    expect(() => verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature: signature.replace('v1,', 'v2,') }, body, [secret], now)).toThrow(
      /No matching/,
    );
    const late = new Date(now.getTime() + 5 * 60_000 + 1000);
    expect(() => verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature }, body, [secret], late)).toThrow(/too far/);
    const justInTime = new Date(now.getTime() + 4 * 60_000);
    expect(verifyWebhook({ id: 'msg_1', timestamp: String(ts), signature }, body, [secret], justInTime)).toBe('msg_1');
    expect(() => verifyWebhook({ id: 'msg_1', timestamp: 'soon', signature }, body, [secret], now)).toThrow(/Invalid/);
  });

  it('refuses an over-long or non-printable webhook-id or signature header with a ValidationError naming it', () => {
    const verify = (id: string, signature = signWebhook(secret, id, ts, body)) => () => verifyWebhook({ id, timestamp: String(ts), signature }, body, [secret], now);
    expect(verify('m'.repeat(10_000))).toThrow(ValidationError);
    expect(verify('m'.repeat(10_000))).toThrow(/webhook-id/);
    expect(verify('msg 1')).toThrow(/webhook-id/);
    expect(verify('msg_1', `${signWebhook(secret, 'msg_1', ts, body)} ${'v1,x'.repeat(5_000)}`)).toThrow(/webhook-signature/);
    expect(verify('m'.repeat(256))()).toBe('m'.repeat(256));
  });
});

