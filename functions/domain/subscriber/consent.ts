import { ValidationError } from '../errors';
import type { SuppressionReason } from './subscriber';

/**
 * A subscriber's consent history, as Ghost keeps `members_subscribe_events`: every change to what
 * the person agreed to receive, when, on which lists, and who made it. Staff read it to answer
 * "why is this person on (or off) this list?" and hand it over whole for a right-of-access request.
 *
 * Erasure deletes it with the rest of the person's data: a history of an erased person would still
 * be about them. The keyed hash a suppressed address leaves behind (the blocklist) is all that stays.
 */

/** What happened to the person's consent. */
export const ConsentEventType = {
  /** Asked to join through the sign-up form; pending until the emailed link is followed. */
  SignedUp: 'signed-up',
  /** Confirmed by the person: the confirmation link, or joining on their own preference page. */
  Confirmed: 'confirmed',
  /** Left lists: an unsubscribe link, one-click, "all lists", the preference page, staff, or a complaint. */
  Unsubscribed: 'unsubscribed',
  /** Joined by someone who vouches for the person's consent (staff, the API), without a confirmation email. */
  Added: 'added',
  /** Came in through a CSV import: confirmed with staff's consent flag, pending (and asked to confirm) without. */
  Imported: 'imported',
  /** No more mail: a permanent bounce, repeated transient bounces, or a complaint. */
  Suppressed: 'suppressed',
  /** A suppression lifted by a fresh double opt-in. */
  Unsuppressed: 'unsuppressed',
  /** A sign-up never confirmed, removed once its link expired. */
  Expired: 'expired',
} as const;
export type ConsentEventType = (typeof ConsentEventType)[keyof typeof ConsentEventType];

/** Who made the change. */
export const ConsentSource = {
  /** The person themselves: the form, a link in an email, the preference page. */
  Reader: 'reader',
  /** A staff CSV import. */
  Import: 'import',
  /** Staff changing the subscriber's lists. */
  Staff: 'staff',
  /** Pressroom on its own: bounces, complaints, purging expired sign-ups. */
  System: 'system',
  /** A client of the staff API adding subscribers (`POST /admin/subscribers`). */
  Api: 'api',
} as const;
export type ConsentSource = (typeof ConsentSource)[keyof typeof ConsentSource];

/** What a reader used, for `confirmed` and `unsubscribed` events from the reader. */
export const ConsentVia = {
  ConfirmationLink: 'confirmation-link',
  UnsubscribeLink: 'unsubscribe-link',
  /** "Leave all lists" on the unsubscribe page. */
  UnsubscribeAll: 'unsubscribe-all',
  Preferences: 'preferences',
} as const;
export type ConsentVia = (typeof ConsentVia)[keyof typeof ConsentVia];

/** Particulars that only some events have. */
export interface ConsentDetail {
  /** Why a suppression (or an unsubscribe by the system) happened. */
  reason?: SuppressionReason;
  /** The CSV import job the change came from. */
  importJobId?: string;
  /** An import's consent flag: true imported confirmed, false asked the person to confirm. */
  consent?: boolean;
  via?: ConsentVia;
}

export interface ConsentEvent {
  /** When (ISO 8601). */
  at: string;
  type: ConsentEventType;
  /** The lists it concerns; for a suppression, the lists the person was still on. */
  lists: string[];
  source: ConsentSource;
  detail?: ConsentDetail;
}

/** One event to record for one subscriber. */
export interface ConsentRecord {
  subscriberId: string;
  event: ConsentEvent;
}

/**
 * An event as recorded, `detail` left out when it says nothing.
 *
 * @example
 * consentEvent(ConsentEventType.Confirmed, ['blog'], ConsentSource.Reader, now, { via: ConsentVia.ConfirmationLink });
 */
export function consentEvent(type: ConsentEventType, lists: string[], source: ConsentSource, now: Date, detail?: ConsentDetail): ConsentEvent {
  const kept = detail && Object.fromEntries(Object.entries(detail).filter(([, v]) => v !== undefined));
  return { at: now.toISOString(), type, lists: [...lists], source, ...(kept && Object.keys(kept).length ? { detail: kept } : {}) };
}

/** A history cursor that is not one the store gave for this subscriber's history (a 400 at the edge). */
export function invalidConsentCursor(): ValidationError {
  return new ValidationError([{ field: 'cursor', message: "is not a cursor from this subscriber's history" }], 'Invalid cursor');
}

/** Events per page of `GET /admin/subscribers/{id}/history`. */
export const CONSENT_PAGE_SIZE = 50;
