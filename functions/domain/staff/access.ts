/** What a signed-in member may do, and whether a state-changing request came from our own pages. Pure. */
import { ForbiddenError } from '../errors';
import { sameSecret } from './secrets';
import { hasRole, type StaffRole } from './staff-member';
import type { StaffSession } from './sign-in';

/**
 * @example
 * requireRole(session, 'editor'); // returns for an editor or admin
 * @throws ForbiddenError when the session's role is below `needed`.
 */
export function requireRole(session: Pick<StaffSession, 'role'>, needed: StaffRole): void {
  if (!hasRole(session.role, needed)) throw new ForbiddenError(`This needs the ${needed} role`);
}

/**
 * A state-changing request must name our own origin: browsers send `Origin` with every POST, so a
 * missing or foreign one is a page elsewhere (or a tool) posting with a staff member's cookie.
 *
 * @example
 * requireSameOrigin(header(event, 'origin'), 'https://news.example.org');
 * @throws ForbiddenError for a missing or foreign Origin.
 */
export function requireSameOrigin(origin: string | undefined, publicUrl: string): void {
  if (!origin || origin === 'null' || origin !== new URL(publicUrl).origin) throw new ForbiddenError('This request did not come from the console');
}

/**
 * Both checks of a state-changing console request: our Origin, and the session's CSRF token in
 * the form (SameSite=Strict already keeps the cookie off cross-site requests; these hold when a
 * browser does not, or a sibling site shares the cookie).
 *
 * @example
 * requireFormPost(session, { origin: header(event, 'origin'), csrfToken: form.get('csrf') }, publicUrl);
 * @throws ForbiddenError when either is missing or wrong.
 */
export function requireFormPost(session: Pick<StaffSession, 'csrfToken'>, request: { origin: string | undefined; csrfToken: string | undefined }, publicUrl: string): void {
  requireSameOrigin(request.origin, publicUrl);
  if (!sameSecret(request.csrfToken, session.csrfToken)) throw new ForbiddenError('This form has expired: reload the page and try again');
}
