import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyring, signToken, verifyToken, TokenPurpose, type TokenClaims } from '../../functions/domain/security/link-tokens';
import { InvalidTokenError } from '../../functions/domain/errors';

const key = () => randomBytes(32).toString('base64');
const now = new Date('2026-11-29T12:00:00Z');
const claims: TokenClaims = { purpose: TokenPurpose.Unsubscribe, subscriberId: 'sub-1', listId: 'blog' };

function flip(s: string, at: number): string {
  const c = s[at];
  return s.slice(0, at) + (c === 'A' ? 'B' : 'A') + s.slice(at + 1);
}

describe('link tokens', () => {
  const keyring = parseKeyring(`k1:${key()}`);

  it('round-trips the claims it signed', () => {
    const token = signToken(claims, keyring);
    expect(verifyToken(token, TokenPurpose.Unsubscribe, keyring, now)).toEqual({ ...claims, lists: undefined, expiresAt: undefined });
  });

  it('carries the release an unsubscribe link came from, when it was signed with one', () => {
    const token = signToken({ ...claims, releaseId: 'spring-update' }, keyring);
    expect(verifyToken(token, TokenPurpose.Unsubscribe, keyring, now).releaseId).toBe('spring-update');
    expect(verifyToken(signToken(claims, keyring), TokenPurpose.Unsubscribe, keyring, now)).not.toHaveProperty('releaseId');
  });

  it('is URL-safe so it can sit in a path segment', () => {
    expect(signToken(claims, keyring)).toMatch(/^[A-Za-z0-9_.-]+$/);
  });

  it('rejects a tampered payload, signature or key id', () => {
    const token = signToken(claims, keyring);
    const [kid, payload, sig] = token.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ p: 'unsubscribe', s: 'sub-2', l: 'blog' })).toString('base64url');
    for (const bad of [
      `${kid}.${forgedPayload}.${sig}`,
      `${kid}.${payload}.${flip(sig, 5)}`,
      `${kid}.${flip(payload, 3)}.${sig}`,
      `k9.${payload}.${sig}`,
      `${kid}.${payload}`,
      '',
      'not-a-token',
      `${token}.extra`,
    ]) {
      expect(() => verifyToken(bad, TokenPurpose.Unsubscribe, keyring, now), bad).toThrow(InvalidTokenError);
    }
  });

  it('rejects a token signed with a foreign key that happens to share the key id', () => {
    const foreign = parseKeyring(`k1:${key()}`);
    expect(() => verifyToken(signToken(claims, foreign), TokenPurpose.Unsubscribe, keyring, now)).toThrow(/bad signature/);
  });

  it('rejects a token minted for another purpose', () => {
    const other = signToken({ ...claims, purpose: TokenPurpose.Preferences }, keyring);
    expect(() => verifyToken(other, TokenPurpose.Unsubscribe, keyring, now)).toThrow(/wrong purpose/);
  });

  it('keeps old links working after rotation, and signs with the new key', () => {
    const oldSecret = key();
    const before = parseKeyring(`k1:${oldSecret}`);
    const after = parseKeyring(`k2:${key()},k1:${oldSecret}`);
    const oldToken = signToken(claims, before);
    expect(verifyToken(oldToken, TokenPurpose.Unsubscribe, after, now).subscriberId).toBe('sub-1');
    expect(signToken(claims, after).startsWith('k2.')).toBe(true);
    // Retiring k1 retires its links.
    expect(() => verifyToken(oldToken, TokenPurpose.Unsubscribe, parseKeyring(`k2:${key()}`), now)).toThrow(/unknown key/);
  });

  it('never expires unless asked to, and refuses an expired token', () => {
    const far = new Date('2099-01-01T00:00:00Z');
    expect(verifyToken(signToken(claims, keyring), TokenPurpose.Unsubscribe, keyring, far).listId).toBe('blog');
    const expiring = signToken({ ...claims, expiresAt: now.getTime() / 1000 + 60 }, keyring);
    expect(verifyToken(expiring, TokenPurpose.Unsubscribe, keyring, now).expiresAt).toBeDefined();
    expect(() => verifyToken(expiring, TokenPurpose.Unsubscribe, keyring, new Date(now.getTime() + 120_000))).toThrow(/expired/);
  });

  it('refuses weak or malformed keys', () => {
    expect(() => parseKeyring('k1:c2hvcnQ=')).toThrow(/32 bytes/);
    expect(() => parseKeyring('')).toThrow(/No signing keys/);
    expect(() => parseKeyring(`bad kid:${key()}`)).toThrow(/must match/);
  });
});

describe('link tokens for each purpose', () => {
  const keyring = parseKeyring(`k1:${key()}`);

  it('a confirmation token carries its lists and expires', () => {
    const token = signToken({ purpose: TokenPurpose.Confirm, subscriberId: 's', lists: ['blog', 'events'], expiresAt: now.getTime() / 1000 + 7 * 86400 }, keyring);
    expect(verifyToken(token, TokenPurpose.Confirm, keyring, now).lists).toEqual(['blog', 'events']);
    expect(() => verifyToken(token, TokenPurpose.Confirm, keyring, new Date(now.getTime() + 8 * 86400_000))).toThrow(/expired/);
  });

  it('no token passes for another purpose, in any direction', () => {
    const tokens = {
      [TokenPurpose.Unsubscribe]: signToken(claims, keyring),
      [TokenPurpose.Confirm]: signToken({ purpose: TokenPurpose.Confirm, subscriberId: 's', lists: ['blog'] }, keyring),
      [TokenPurpose.Preferences]: signToken({ purpose: TokenPurpose.Preferences, subscriberId: 's' }, keyring),
    };
    for (const [minted, token] of Object.entries(tokens)) {
      for (const purpose of Object.values(TokenPurpose)) {
        if (purpose === minted) expect(verifyToken(token, purpose, keyring, now).purpose).toBe(purpose);
        else expect(() => verifyToken(token, purpose, keyring, now)).toThrow(/wrong purpose/);
      }
    }
  });

  it('refuses a validly signed unsubscribe token that names no list', () => {
    const token = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: 's' }, keyring);
    expect(() => verifyToken(token, TokenPurpose.Unsubscribe, keyring, now)).toThrow(/malformed claims/);
  });

  it('takes only the one canonical base64url spelling of a signature', () => {
    const token = signToken(claims, keyring);
    const [kid, payload, sig] = token.split('.');
    // 32 bytes are 43 characters: the last one carries 2 padding bits, which Buffer ignores.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const value = last.indexOf(sig.at(-1)!);
    const paddingChanged = `${sig.slice(0, -1)}${last[value ^ 1]}`;
    expect(Buffer.from(paddingChanged, 'base64url')).toEqual(Buffer.from(sig, 'base64url'));
    for (const bad of [
      `${kid}.${payload}.${sig}=`,
      `${kid}.${payload}.${paddingChanged}`,
      `${kid}.${payload}.${sig.replace(/-/g, '+').replace(/_/g, '/')}${sig.includes('-') || sig.includes('_') ? '' : '='}`,
      `${kid}.${payload}.${sig.slice(0, 10)} ${sig.slice(10)}`,
      `${kid}.${payload}=.${sig}`,
    ]) {
      expect(() => verifyToken(bad, TokenPurpose.Unsubscribe, keyring, now), bad).toThrow(InvalidTokenError);
    }
  });
});

