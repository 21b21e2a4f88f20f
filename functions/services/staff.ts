import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/ports';
import { AuthenticationError } from '../domain/errors';
import { verifyWebhook, type WebhookHeaders } from '../domain/security/standard-webhooks';
import { requireFormPost, requireRole, requireSameOrigin } from '../domain/staff/access';
import type { StaffRole } from '../domain/staff/staff-member';
import type { StaffSession } from '../domain/staff/sign-in';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may do what: staff's bearer token on /admin, the signed webhook a CMS publishes with, and
 * what a console session's role allows. The one place a request is authenticated or authorised;
 * the console's sessions themselves are the sessions service's.
 *
 * @example
 * const staff = new StaffAccess({ adminToken, webhookSecrets, clock, publicUrl });
 * staff.requireAdmin(header(event, 'authorization'));
 * staff.requireRole(session, 'editor');
 */
export class StaffAccess {
  constructor(private readonly settings: { adminToken: string; webhookSecrets: string[]; clock: Clock; publicUrl: string }) {}

  /**
   * Checks `Authorization: Bearer <admin token>`. Both sides are hashed first so the comparison is
   * constant-time whatever the lengths. The shared token stays for bootstrap and scripts.
   *
   * @throws AuthenticationError when the token is missing or wrong.
   */
  requireAdmin(authorization: string | undefined): void {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1].trim();
    // An empty token never passes, whatever the configured one (start-up refuses a blank one too).
    if (!presented || !timingSafeEqual(digest(presented), digest(this.settings.adminToken))) {
      throw new AuthenticationError('A valid admin bearer token is required');
    }
  }

  /**
   * Verifies a Standard Webhooks delivery over its raw body and returns its webhook id.
   *
   * @throws AuthenticationError for a missing header, a stale timestamp or no matching signature.
   */
  verifyWebhook(headers: WebhookHeaders, body: string): string {
    return verifyWebhook(headers, body, this.settings.webhookSecrets, this.settings.clock.now());
  }

  /** @throws ForbiddenError when the session's role is below `needed` (contributor < editor < admin). */
  requireRole(session: Pick<StaffSession, 'role'>, needed: StaffRole): void {
    requireRole(session, needed);
  }

  /** @throws ForbiddenError unless `origin` is the public URL's (a console form posted before there is a session). */
  requireSameOrigin(origin: string | undefined): void {
    requireSameOrigin(origin, this.settings.publicUrl);
  }

  /** @throws ForbiddenError unless the request names our origin and carries the session's CSRF token. */
  requireFormPost(session: Pick<StaffSession, 'csrfToken'>, request: { origin: string | undefined; csrfToken: string | undefined }): void {
    requireFormPost(session, request, this.settings.publicUrl);
  }
}
