/**
 * The console's secrets: sign-in link tokens, session ids and CSRF tokens. Pure: random values in,
 * derived values out. Tokens are 32 random bytes, so a fast hash is enough to store them: nothing
 * shorter than the token could be guessed from its hash.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A fresh 256-bit token, base64url (URL- and cookie-safe).
 *
 * @example
 * const token = newSecretToken(); // 'q3Jx…' (43 characters)
 */
export function newSecretToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored in place of a token: its SHA-256, so that reading the table yields no working
 * link or session.
 *
 * @example
 * hashSecretToken(token) !== token; // and the same for the same token
 */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/**
 * The CSRF token of a session, derived from its id: only a page rendered for someone holding the
 * session cookie can carry it, and nothing more needs storing.
 *
 * @example
 * csrfTokenFor(sessionToken); // put it in a hidden field of every form
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');
}

/**
 * Compares two secrets in constant time whatever their lengths (both hashed first).
 *
 * @example
 * sameSecret(presented, expected);
 */
export function sameSecret(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
