import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/ports';
import { AuthenticationError } from '../domain/errors';
import { verifyWebhook, type WebhookHeaders } from '../domain/security/standard-webhooks';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Who may do what: staff's bearer token on /admin, and the signed webhook a CMS publishes with.
 * The one place a request is authenticated; the staff console's sessions and roles will join it.
 *
 * @example
 * const staff = new StaffAccess({ adminToken, webhookSecrets, clock });
 * staff.requireAdmin(header(event, 'authorization'));
 */
export class StaffAccess {
  constructor(private readonly settings: { adminToken: string; webhookSecrets: string[]; clock: Clock }) {}

  /**
   * Checks `Authorization: Bearer <admin token>`. Both sides are hashed first so the comparison is
   * constant-time whatever the lengths.
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
}
