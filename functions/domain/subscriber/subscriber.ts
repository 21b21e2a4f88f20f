import { domainToASCII } from 'node:url';
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
  /** When the last transient bounce was counted. */
  lastBounceAt?: string;
  /** When the last confirmation email went out, for the per-address rate limit. */
  confirmationSentAt?: string;
  memberships: Membership[];
}

// What SES can send to (RFC 5321 without SMTPUTF8): a local part of printable ASCII, without the
// specials that need quoting (quoted local parts are refused: rarely real, often a mistake), and a
// domain of LDH labels with a TLD, an internationalised domain given in its punycode form (an `xn--`
// TLD such as `рф` included). Anything cleverer is for the receiving server to judge.
const LOCAL_PART = /^[A-Za-z0-9.!#$%&'*+\-/=?^_`{|}~]{1,64}$/;
const DOMAIN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// Invisible characters would be silently dropped by the punycode mapping (U+00AD, U+200B) or make
// two addresses look alike (bidi controls); refused anywhere, so what is stored is what was shown.
// A plain space is left to the patterns below (the message then needs no code point to show it).
const INVISIBLE = /(?! )[\p{Cc}\p{Cf}\p{Z}\p{Default_Ignorable_Code_Point}\ufffd]/u;

/** `U+200B` for a character no one can see in a message. */
const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Trims an address, lower-cases its domain and converts an internationalised domain to punycode
 * (the form stored, looked up and sent). The local part keeps its case: RFC 5321 lets the receiving
 * server treat it as case-sensitive. Every address Pressroom accepts passes here, so whatever is
 * stored can be written into a To header and sent by SES.
 *
 * @throws ValidationError naming `field` when the address is malformed, has a non-ASCII local part,
 *   or holds an invisible or control character.
 * @example
 * normaliseEmail(' Ada@Bücher.DE '); // 'Ada@xn--bcher-kva.de'
 */
export function normaliseEmail(raw: unknown, field = 'email'): string {
  if (typeof raw !== 'string') throw new ValidationError([{ field, message: 'must be an email address' }]);
  // trim() also drops white space and byte-order marks at either end: inside, they are refused.
  const trimmed = raw.trim();
  const refuse = (why?: string): never => {
    const shown = trimmed.replace(new RegExp(INVISIBLE.source, 'gu'), codePoint);
    throw new ValidationError([{ field, message: `"${shown}" is not a valid email address${why ? `: ${why}` : ''}` }]);
  };
  const invisible = INVISIBLE.exec(trimmed);
  if (invisible?.[0] === '\ufffd') refuse('it holds U+FFFD, left where text that was not UTF-8 was decoded');
  if (invisible) refuse(`it holds an invisible or control character (${codePoint(invisible[0])})`);
  const at = trimmed.lastIndexOf('@');
  if (at <= 0) refuse();
  const local = trimmed.slice(0, at);
  // The before-the-@ part cannot be converted: mail to a non-ASCII one needs SMTPUTF8, which SES lacks.
  if (/[^\x00-\x7f]/.test(local)) refuse('the part before the @ must be ASCII');
  // domainToASCII answers '' for a domain that has no punycode form (and checks `xn--` labels decode).
  const domain = domainToASCII(trimmed.slice(at + 1).toLowerCase());
  const email = `${local}@${domain}`;
  if (!LOCAL_PART.test(local) || domain.length > 253 || !DOMAIN.test(domain) || email.length > 254) refuse();
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
