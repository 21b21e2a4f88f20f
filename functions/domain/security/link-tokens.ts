import { createHmac, timingSafeEqual, type Hmac } from 'node:crypto';
import { InvalidTokenError } from '../errors';

/**
 * Signed tokens for the links in emails (unsubscribe now; confirmation and preferences later).
 *
 * Shape: `<kid>.<payload>.<signature>`, payload and signature base64url. The HMAC-SHA256 covers a
 * fixed context string, the key id and the payload, so a token cannot be replayed under another key,
 * and the payload names its purpose, so a token minted for one purpose never passes for another.
 */
export const TokenPurpose = {
  /**
   * Leave the lists that brought one email (or all, from the page). Never expires: it sits in every
   * email ever sent.
   */
  Unsubscribe: 'unsubscribe',
  /** Confirm a sign-up (double opt-in) for the lists chosen; expires after seven days. */
  Confirm: 'confirm',
  /** Open the preference centre. Never expires, like the unsubscribe link beside it. */
  Preferences: 'preferences',
} as const;
export type TokenPurpose = (typeof TokenPurpose)[keyof typeof TokenPurpose];

export interface TokenClaims {
  purpose: TokenPurpose;
  subscriberId: string;
  /** The list an unsubscribe link leaves (the first, when it leaves several). */
  listId?: string;
  /** The release whose email carried an unsubscribe link (absent on links signed before it existed). */
  releaseId?: string;
  /**
   * The lists a confirmation link confirms; on an unsubscribe link, every list that brought that
   * email when more than one did (absent on single-list links and on links signed before it existed).
   */
  lists?: string[];
  /** Seconds since the epoch after which the token is refused; absent means never. */
  expiresAt?: number;
  /**
   * Milliseconds since the epoch when the token was signed. A confirmation link is spent by what
   * happened after it (an unsubscribe, a suppression); absent on links signed before it existed.
   */
  issuedAt?: number;
}

/** Signing keys by id. `current` signs; every key in `keys` verifies, so old links keep working. */
export interface SigningKeyring {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const CONTEXT = 'pressroom-link-token.v1';
const KID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `kid:base64secret,kid2:base64secret`; the first key is the one that signs.
 *
 * @example
 * const keyring = parseKeyring('k2:3q2+7w==...,k1:c2VjcmV0...');
 */
export function parseKeyring(spec: string): SigningKeyring {
  const entries = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const sep = entry.indexOf(':');
      const kid = entry.slice(0, sep);
      const secret = Buffer.from(entry.slice(sep + 1), 'base64');
      if (sep <= 0 || !KID.test(kid)) throw new Error(`Signing key id "${kid}" must match ${KID}`);
      // 32 bytes matches HMAC-SHA256's block strength; shorter keys would be the weakest link.
      if (secret.length < 32) throw new Error(`Signing key "${kid}" must be at least 32 bytes of base64`);
      return [kid, secret] as const;
    });
  if (!entries.length) throw new Error('No signing keys configured');
  return { current: entries[0][0], keys: new Map(entries) };
}

/**
 * Decodes base64url only in its one canonical spelling: no padding, no other alphabet, no stray
 * characters, and zero padding bits. Node's decoder forgives all of these, so without this check a
 * token would have several spellings that all verify (RFC 4648 §3.5: decoders MAY reject them; a
 * signature check should).
 */
function strictBase64url(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}

function mac(key: Buffer, kid: string, payload: string): Hmac {
  return createHmac('sha256', key).update(`${CONTEXT}.${kid}.${payload}`);
}

/**
 * Signs claims with the keyring's current key.
 *
 * @example
 * const token = signToken({ purpose: 'unsubscribe', subscriberId: 's1', listId: 'blog' }, keyring);
 */
export function signToken(claims: TokenClaims, keyring: SigningKeyring): string {
  const key = keyring.keys.get(keyring.current);
  if (!key) throw new Error(`Current signing key "${keyring.current}" is missing`);
  const body: Record<string, string | number | string[]> = { p: claims.purpose, s: claims.subscriberId };
  if (claims.listId !== undefined) body.l = claims.listId;
  if (claims.releaseId !== undefined) body.r = claims.releaseId;
  if (claims.lists !== undefined) body.ls = claims.lists;
  if (claims.expiresAt !== undefined) body.e = claims.expiresAt;
  if (claims.issuedAt !== undefined) body.i = claims.issuedAt;
  const payload = Buffer.from(JSON.stringify(body)).toString('base64url');
  // Straight to base64url: the send worker signs two tokens per recipient, and the Buffer in between
  // was a measurable part of that (issue 18).
  return `${keyring.current}.${payload}.${mac(key, keyring.current, payload).digest('base64url')}`;
}

/**
 * Verifies a token and that it was minted for `purpose`.
 *
 * @throws InvalidTokenError for anything malformed, tampered, signed by an unknown key, minted for
 *   another purpose or expired. The reason is for logs only: edges show one generic message.
 */
export function verifyToken(token: string, purpose: TokenPurpose, keyring: SigningKeyring, now: Date): TokenClaims {
  const parts = token.split('.');
  if (parts.length !== 3) throw new InvalidTokenError('malformed');
  const [kid, payload, signature] = parts;
  const key = keyring.keys.get(kid);
  if (!key) throw new InvalidTokenError('unknown key');
  const given = strictBase64url(signature);
  const expected = mac(key, kid, payload).digest();
  if (!given || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidTokenError('bad signature');
  const decoded = strictBase64url(payload);
  if (!decoded) throw new InvalidTokenError('malformed payload');
  let body: { p?: unknown; s?: unknown; l?: unknown; r?: unknown; ls?: unknown; e?: unknown; i?: unknown };
  try {
    body = JSON.parse(decoded.toString('utf8'));
  } catch {
    throw new InvalidTokenError('malformed payload');
  }
  if (body.p !== purpose) throw new InvalidTokenError('wrong purpose');
  const listsOk = body.ls === undefined || (Array.isArray(body.ls) && body.ls.every((l) => typeof l === 'string'));
  if (typeof body.s !== 'string' || (body.l !== undefined && typeof body.l !== 'string') || (body.r !== undefined && typeof body.r !== 'string') || !listsOk || (body.i !== undefined && typeof body.i !== 'number')) {
    throw new InvalidTokenError('malformed claims');
  }
  // Links that must name a list are useless without one, whatever the signature says.
  if (purpose === TokenPurpose.Unsubscribe && typeof body.l !== 'string') throw new InvalidTokenError('malformed claims');
  if (purpose === TokenPurpose.Confirm && !Array.isArray(body.ls)) throw new InvalidTokenError('malformed claims');
  if (body.e !== undefined && (typeof body.e !== 'number' || body.e * 1000 < now.getTime())) {
    throw new InvalidTokenError('expired');
  }
  return {
    purpose,
    subscriberId: body.s,
    listId: body.l as string | undefined,
    ...(body.r !== undefined ? { releaseId: body.r as string } : {}),
    lists: body.ls as string[] | undefined,
    expiresAt: body.e as number | undefined,
    issuedAt: body.i as number | undefined,
  };
}
