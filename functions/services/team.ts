import type { Clock } from '../domain/ports';
import type { ApiTokenStore, StaffRoster, StoredApiToken } from '../domain/staff/ports';
import type { StaffMember } from '../domain/staff/staff-member';
import type { StaffSession } from '../domain/staff/sign-in';
import { addMember, changeRole, removeMember } from '../domain/staff/roster';
import { createApiToken, revokeApiToken, type CreatedApiToken } from '../domain/staff/api-tokens';

/** What managing staff and personal tokens reads and writes. */
export interface TeamPorts {
  staff: StaffRoster;
  tokens: ApiTokenStore;
  clock: Clock;
}

/**
 * Staff management (admins: add, change a role, remove, never the last admin) and each member's
 * own personal API tokens. Callers check the role first (`app.staff.requireRole`).
 *
 * @example
 * await team.add('new@example.org', 'editor');
 * const { token } = await team.createToken(session, 'CI', 'editor'); // show `token` once
 */
export class TeamService {
  constructor(private readonly ports: TeamPorts) {}

  members(): Promise<StaffMember[]> {
    return this.ports.staff.list();
  }

  /** @throws ValidationError, ConflictError when already staff. */
  add(email: string, role: string): Promise<StaffMember> {
    return addMember({ email, role }, this.ports);
  }

  /** @throws ValidationError, NotFoundError, ConflictError when it would demote the last admin. */
  changeRole(email: string, role: string): Promise<void> {
    return changeRole({ email, role }, this.ports);
  }

  /** @throws NotFoundError, ConflictError for the last admin. */
  remove(email: string): Promise<void> {
    return removeMember(email, this.ports);
  }

  /** The signed-in member's tokens, newest first (never the secrets: only hashes are kept). */
  tokens(session: Pick<StaffSession, 'email'>): Promise<StoredApiToken[]> {
    return this.ports.tokens.listByOwner(session.email);
  }

  /** @throws ValidationError; ForbiddenError for a role above the member's own. */
  createToken(session: Pick<StaffSession, 'email' | 'role'>, name: string, role: string): Promise<CreatedApiToken> {
    return createApiToken({ owner: session.email, ownerRole: session.role, name, role }, this.ports);
  }

  /** @throws NotFoundError when the member has no such token. */
  revokeToken(session: Pick<StaffSession, 'email'>, id: string): Promise<void> {
    return revokeApiToken(session.email, id, this.ports);
  }
}
