/**
 * Personal API tokens: each member may make named tokens for scripts, each scoped to a role no
 * higher than their own, shown once and stored as a SHA-256 hash (like sign-in links), revocable.
 * A token acts with the lesser of its role and its owner's current role, and stops working when
 * its owner is no longer staff.
 */
import { AuthenticationError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import type { Clock } from '../ports';
import type { ApiTokenStore, StaffDirectory, StoredApiToken } from './ports';
import { hashSecretToken, newSecretToken } from './secrets';
import { hasRole, isStaffRole, type StaffRole } from './staff-member';

/** Tokens start with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_TOKEN_PREFIX = 'prt_';
/** Use younger than this is not written again: a script's burst of calls costs one write. */
const TOUCH_AFTER_MS = 60_000;
const MAX_NAME = 60;
/** Every refusal of a bearer token says the same, whether it is unknown, revoked or its owner gone. */
export const BAD_TOKEN_MESSAGE = 'A valid bearer token is required';

export interface ApiTokenDeps {
  tokens: ApiTokenStore;
  staff: StaffDirectory;
  clock: Clock;
}

/** A token just made: the secret (shown once) and what is kept of it. */
export interface CreatedApiToken {
  token: string;
  stored: StoredApiToken;
}

/**
 * Makes a personal token for `owner`, at most with the owner's own role.
 *
 * @example
 * const { token } = await createApiToken({ owner: 'editor@example.org', ownerRole: 'editor', name: 'CI', role: 'editor' }, deps);
 * @throws ValidationError for a blank or long name or an unknown role; ForbiddenError for a role above the owner's.
 */
export async function createApiToken(
  request: { owner: string; ownerRole: StaffRole; name: string; role: string },
  deps: Pick<ApiTokenDeps, 'tokens' | 'clock'>,
): Promise<CreatedApiToken> {
  const name = request.name.trim();
  const issues = [];
  if (!name || name.length > MAX_NAME) issues.push({ field: 'name', message: `Give the token a name of 1 to ${MAX_NAME} characters.` });
  if (!isStaffRole(request.role)) issues.push({ field: 'role', message: 'Choose contributor, editor or admin.' });
  if (issues.length) throw new ValidationError(issues, 'Invalid token');
  const role = request.role as StaffRole;
  if (!hasRole(request.ownerRole, role)) throw new ForbiddenError(`A token cannot have a higher role than yours (${request.ownerRole})`);
  const token = `${API_TOKEN_PREFIX}${newSecretToken()}`;
  const tokenHash = hashSecretToken(token);
  const stored: StoredApiToken = { id: tokenHash.slice(0, 12), tokenHash, owner: request.owner, name, role, createdAt: deps.clock.now().toISOString() };
  await deps.tokens.save(stored);
  return { token, stored };
}

/** Who a personal token acts for, and with which role. */
export interface ApiTokenCaller {
  owner: string;
  name: string;
  role: StaffRole;
}

/**
 * The caller behind a personal token: its owner, acting with the lesser of the token's role and
 * the owner's current one; records the use.
 *
 * @example
 * const caller = await authenticateApiToken('prt_…', deps); // { owner, name, role }
 * @throws AuthenticationError (always {@link BAD_TOKEN_MESSAGE}) for an unknown or revoked token or one whose owner is not staff.
 */
export async function authenticateApiToken(token: string, deps: ApiTokenDeps): Promise<ApiTokenCaller> {
  const tokenHash = hashSecretToken(token);
  const stored = await deps.tokens.find(tokenHash);
  const owner = stored && (await deps.staff.get(stored.owner));
  if (!stored || !owner) throw new AuthenticationError(BAD_TOKEN_MESSAGE);
  const now = deps.clock.now();
  if (!stored.lastUsedAt || now.getTime() - Date.parse(stored.lastUsedAt) >= TOUCH_AFTER_MS) await deps.tokens.touch(tokenHash, now);
  return { owner: owner.email, name: stored.name, role: hasRole(owner.role, stored.role) ? stored.role : owner.role };
}

/**
 * Revokes one of the owner's tokens: it is deleted, and then refused like any unknown token.
 *
 * @example
 * await revokeApiToken('editor@example.org', 'AbC123xyz_-0', deps);
 * @throws NotFoundError when the owner has no token with that id.
 */
export async function revokeApiToken(owner: string, id: string, deps: Pick<ApiTokenDeps, 'tokens'>): Promise<void> {
  if (!(await deps.tokens.revoke(owner, id))) throw new NotFoundError('No such token');
}

/**
 * The role each `/admin` route needs from a personal token (the shared admin token may do all).
 * Reading is a contributor's; controlling sends and retrying posts an editor's; anything not
 * listed (subscribers, lists, imports, exports, queues, and any route added later) an admin's.
 */
export const ADMIN_ROUTE_ROLES: Readonly<Record<string, StaffRole>> = {
  'GET /admin/releases': 'contributor',
  'GET /admin/releases/{id}': 'contributor',
  'GET /admin/releases/{id}/send': 'contributor',
  'GET /admin/releases/{id}/engagement': 'contributor',
  'POST /admin/releases/preview': 'contributor',
  'POST /admin/releases/{id}/test': 'contributor',
  'POST /admin/releases/{id}/pause': 'editor',
  'POST /admin/releases/{id}/resume': 'editor',
  'POST /admin/releases/{id}/cancel': 'editor',
  'POST /admin/releases/{id}/social/{channel}/retry': 'editor',
  // Subscribers' addresses: as on the release page, for editors and admins.
  'GET /admin/releases/{id}/recipients': 'editor',
  // Sources: editors see them, poll a feed now and publish a post from one; connecting, changing or
  // removing a source (which decides what is mailed without anyone pressing publish) is for admins.
  'GET /admin/sources': 'editor',
  'GET /admin/sources/{sourceId}': 'editor',
  'POST /admin/sources/{sourceId}/poll': 'editor',
  'POST /admin/sources/{sourceId}/items/{releaseId}/publish': 'editor',
};

/**
 * The role a route needs: its entry in {@link ADMIN_ROUTE_ROLES}, else admin.
 *
 * @example
 * roleForAdminRoute('POST /admin/imports'); // 'admin'
 */
export function roleForAdminRoute(routeKey: string): StaffRole {
  return ADMIN_ROUTE_ROLES[routeKey] ?? 'admin';
}
