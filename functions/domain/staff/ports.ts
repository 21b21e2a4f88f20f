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
