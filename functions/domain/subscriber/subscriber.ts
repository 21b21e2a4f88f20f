import { ValidationError } from '../errors';

/** A subscriber's standing on one list. */
export const MembershipStatus = {
  /** Signed up, waiting for the confirmation link to be followed (double opt-in). */
  Pending: 'pending',
  Confirmed: 'confirmed',
  Unsubscribed: 'unsubscribed',
} as const;
export type MembershipStatus = (typeof MembershipStatus)[keyof typeof MembershipStatus];

export interface Membership {
  listId: string;
  status: MembershipStatus;
  changedAt: string;
}

/** Why an address is suppressed. */
export const SuppressionReason = {
  PermanentBounce: 'permanent-bounce',
  TransientBounces: 'transient-bounces',
  Complaint: 'complaint',
  Staff: 'staff',
} as const;
export type SuppressionReason = (typeof SuppressionReason)[keyof typeof SuppressionReason];

export interface Subscriber {
  id: string;
  email: string;
  createdAt: string;
  /** BCP 47 tag for pages and system emails; defaults to the organisation's language. */
  language?: string;
  /** Set when the address must not be mailed (bounce, complaint, staff) until a fresh opt-in. */
  suppressedAt?: string;
  suppressionReason?: SuppressionReason;
  /** Transient bounces in a row; a delivery resets it. */
  transientBounces?: number;
  /** When the last confirmation email went out, for the per-address rate limit. */
  confirmationSentAt?: string;
  memberships: Membership[];
}

// Deliberately simple: one @, a non-empty local part without spaces or control characters, and a
// domain of dot-separated labels with a TLD. Anything cleverer is for the receiving server to judge.
const ADDRESS = /^[^\s@<>()[\]\\,;:"\u0000-\u001f\u007f]{1,64}@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * Trims an address and lower-cases its domain. The local part keeps its case: RFC 5321 lets the
 * receiving server treat it as case-sensitive.
 *
 * @throws ValidationError when the address is malformed.
 */
export function normaliseEmail(raw: unknown, field = 'email'): string {
  if (typeof raw !== 'string') throw new ValidationError([{ field, message: 'must be an email address' }]);
  const trimmed = raw.trim();
  const at = trimmed.lastIndexOf('@');
  const email = at > 0 ? `${trimmed.slice(0, at)}@${trimmed.slice(at + 1).toLowerCase()}` : trimmed;
  if (email.length > 254 || !ADDRESS.test(email)) {
    throw new ValidationError([{ field, message: `"${trimmed}" is not a valid email address` }]);
  }
  return email;
}

/**
 * What a sign-up may write: pending on the lists the subscriber has no standing on, or is pending on
 * already (which renews it). A sign-up anyone can make for any address, so it must never touch a
 * consent the person gave or withdrew: confirmed and unsubscribed memberships are left as they are,
 * and only following the confirmation link changes them.
 */
export function pendingChanges(subscriber: Pick<Subscriber, 'memberships'>, lists: string[]): { listId: string; status: MembershipStatus }[] {
  const standing = new Map(subscriber.memberships.map((m) => [m.listId, m.status]));
  return lists
    .filter((listId) => (standing.get(listId) ?? MembershipStatus.Pending) === MembershipStatus.Pending)
    .map((listId) => ({ listId, status: MembershipStatus.Pending }));
}

/** Whether this subscriber may be sent mail for the list right now. */
export function isDeliverable(subscriber: Subscriber, listId: string): boolean {
  if (subscriber.suppressedAt) return false;
  return subscriber.memberships.some((m) => m.listId === listId && m.status === MembershipStatus.Confirmed);
}
