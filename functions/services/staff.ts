import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../domain/ports';
import { AuthenticationError } from '../domain/errors';
import { verifyWebhook, type WebhookHeaders } from '../domain/security/standard-webhooks';
import { requireFormPost, requireRole, requireSameOrigin } from '../domain/staff/access';
import { hasRole, type StaffRole } from '../domain/staff/staff-member';
import { sessionHolder, type StaffSession } from '../domain/staff/sign-in';
import { API_TOKEN_PREFIX, authenticateApiToken, BAD_TOKEN_MESSAGE, roleForAdminRoute } from '../domain/staff/api-tokens';
import { ForbiddenError } from '../domain/errors';
import type { ApiTokenStore, AuditEntry, StaffDirectory, StaffSessionStore } from '../domain/staff/ports';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Who made an `/admin` request, as the audit log names them, and the role they act with. */
export interface ApiCaller {
  actor: Pick<AuditEntry, 'actor' | 'via' | 'tokenName'>;
  role: StaffRole;
}

/** The stores that tell who holds a personal token or a session cookie. */
export interface StaffAccessPorts {
  tokens: ApiTokenStore;
  staff: StaffDirectory;
  sessions: StaffSessionStore;
}

/**
 * Who may do what: staff's bearer tokens on /admin, the signed webhook a CMS publishes with, and
 * what a console session's role allows. The one place a request is authenticated or authorised;
 * the console's sessions themselves are the sessions service's.
 *
 * @example
 * const staff = new StaffAccess({ adminToken, webhookSecrets, clock, publicUrl });
 * staff.requireAdmin(header(event, 'authorization'));
 * staff.requireRole(session, 'editor');
 */
export class StaffAccess {
  constructor(
    private readonly settings: { adminToken: string; webhookSecrets: string[]; clock: Clock; publicUrl: string },
    private readonly ports?: StaffAccessPorts,
  ) {}

  /**
   * Authorises an `/admin` request: `Authorization: Bearer <token>` with the shared admin token
   * (bootstrap and scripts: may do everything) or a member's personal token, whose role must reach
   * the route's (`ADMIN_ROUTE_ROLES`). The HTTP edge calls this for every `/admin` route, so no
   * handler can forget it.
   *
   * @example
   * const caller = await staff.authorizeApi(header(event, 'authorization'), event.routeKey);
   * @throws AuthenticationError ({@link BAD_TOKEN_MESSAGE}, whatever is wrong) for a missing, unknown or revoked token;
   *   ForbiddenError when the token's role is below the route's.
   */
  async authorizeApi(authorization: string | undefined, routeKey: string): Promise<ApiCaller> {
    const presented = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1].trim();
    // An empty token never passes, whatever the configured one (start-up refuses a blank one too).
    if (!presented) throw new AuthenticationError(BAD_TOKEN_MESSAGE);
    // Both sides are hashed first so the comparison is constant-time whatever the lengths.
    if (timingSafeEqual(digest(presented), digest(this.settings.adminToken))) return { actor: { actor: 'admin token', via: 'admin-token' }, role: 'admin' };
    if (!presented.startsWith(API_TOKEN_PREFIX) || !this.ports) throw new AuthenticationError(BAD_TOKEN_MESSAGE);
    const caller = await authenticateApiToken(presented, { tokens: this.ports.tokens, staff: this.ports.staff, clock: this.settings.clock });
    const actor = { actor: caller.owner, via: 'api-token' as const, tokenName: caller.name };
    const needed = roleForAdminRoute(routeKey);
    if (!hasRole(caller.role, needed)) throw new ForbiddenRoleError(`This needs a token with the ${needed} role`, actor);
    return { actor, role: caller.role };
  }

  /**
   * The member whose live session a console cookie names, for the audit log; reads only.
   *
   * @example
   * await staff.sessionHolder(sessionCookie(event)); // 'editor@example.org' | undefined
   */
  async sessionHolder(sessionToken: string | undefined): Promise<string | undefined> {
    if (!this.ports) return undefined;
    return sessionHolder(sessionToken, { staff: this.ports.staff, sessions: this.ports.sessions, clock: this.settings.clock });
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

/** A personal token below the route's role: still a 403, and the audit log learns whose it was. */
export class ForbiddenRoleError extends ForbiddenError {
  constructor(
    message: string,
    readonly actor: ApiCaller['actor'],
  ) {
    super(message);
    this.name = 'ForbiddenRoleError';
  }
}
