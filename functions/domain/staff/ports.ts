/** What staff sign-in reads and writes; adapters (dynamodb/staff-store.ts) implement these. */
import type { StaffMember } from './staff-member';

/** Who is staff, and in which role. */
export interface StaffDirectory {
  get(email: string): Promise<StaffMember | undefined>;
  /** Every member, by address. */
  list(): Promise<StaffMember[]>;
  /** Adds a member unless one with that address exists (configured staff never overwrite changes made since); true when added. */
  addIfAbsent(member: StaffMember): Promise<boolean>;
}

/** A sign-in link as stored: never the token itself, only its hash. */
export interface StoredSignInLink {
  tokenHash: string;
  email: string;
  expiresAt: string;
}

export interface SignInLinkStore {
  save(link: StoredSignInLink): Promise<void>;
  /**
   * Spends a link: answers its address once, and only before it expires; `undefined` for an
   * unknown, spent or expired link (all alike). Atomic, so two clicks racing start one session.
   */
  spend(tokenHash: string, now: Date): Promise<string | undefined>;
}

/** A console session as stored, under the hash of the cookie's value. */
export interface StoredSession {
  idHash: string;
  email: string;
  createdAt: string;
  lastSeenAt: string;
  /** The absolute end: no activity extends a session past it. */
  expiresAt: string;
}

export interface StaffSessionStore {
  create(session: StoredSession): Promise<void>;
  get(idHash: string): Promise<StoredSession | undefined>;
  /** Records activity (the idle expiry counts from it). */
  touch(idHash: string, lastSeenAt: Date): Promise<void>;
  remove(idHash: string): Promise<void>;
}

/** The sign-in email, branded like the service's other system emails. */
export interface SignInEmailRenderer {
  renderSignInLink(input: { signInUrl: string }): Promise<{ subject: string; html: string; text: string }>;
}

/** Changing who is staff (the staff page), beside the reads sign-in needs. */
export interface StaffRoster extends StaffDirectory {
  /** Sets a member's role; false when there is no such member. */
  setRole(email: string, role: StaffMember['role']): Promise<boolean>;
  /** Removes a member (their sessions and tokens stop working: both check membership on use). */
  remove(email: string): Promise<void>;
}

/** A personal API token as stored: the hash of the secret, never the secret. */
export interface StoredApiToken {
  /** A short public handle, shown and used to revoke (not enough to authenticate with). */
  id: string;
  tokenHash: string;
  owner: string;
  name: string;
  role: StaffMember['role'];
  createdAt: string;
  lastUsedAt?: string;
}

export interface ApiTokenStore {
  save(token: StoredApiToken): Promise<void>;
  /** The token with this hash, if it exists (revoked tokens are deleted). */
  find(tokenHash: string): Promise<StoredApiToken | undefined>;
  /** One member's tokens, newest first. */
  listByOwner(owner: string): Promise<StoredApiToken[]>;
  /** Deletes the owner's token with this id; false when the owner has none such. */
  revoke(owner: string, id: string): Promise<boolean>;
  /** Records use (cheaply: callers skip it while the last use is recent). */
  touch(tokenHash: string, at: Date): Promise<void>;
}

/** One staff action as the audit log keeps it. */
export interface AuditEntry {
  /** When the answer was given (ISO). */
  at: string;
  /** The member's address, or `admin token` for the shared bootstrap token. */
  actor: string;
  /** How the actor proved who they are. */
  via: 'console' | 'api-token' | 'admin-token';
  /** The personal token's name, for `via: 'api-token'`. */
  tokenName?: string;
  /** The route key, e.g. `POST /admin/releases/{id}/pause`. */
  action: string;
  /** The path parameters the action named (ids, never secrets). */
  target: Record<string, string>;
  /** The HTTP status of the answer. */
  outcome: number;
  sourceIp: string;
  userAgent: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Cursor of the next (older) page, when there is one. */
  next?: string;
}

export interface AuditLog {
  record(entry: AuditEntry): Promise<void>;
  /** Newest first, optionally one actor's only. */
  page(query: { actor?: string; cursor?: string; limit: number }): Promise<AuditPage>;
}
