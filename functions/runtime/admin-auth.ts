import { createHash, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../domain/errors';
import { header, type HttpEvent } from './http';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Checks `Authorization: Bearer <admin token>`. Both sides are hashed first so the comparison is
 * constant-time whatever the lengths.
 *
 * @throws AuthenticationError when the token is missing or wrong.
 */
export function requireAdmin(event: HttpEvent, adminToken: string): void {
  const match = /^Bearer\s+(.+)$/i.exec(header(event, 'authorization') ?? '');
  if (!match || !timingSafeEqual(digest(match[1].trim()), digest(adminToken))) {
    throw new AuthenticationError('A valid admin bearer token is required');
  }
}
