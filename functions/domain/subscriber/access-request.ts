import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import type { AddressBlocklist, SubscriberStore } from './ports';
import type { ConsentEvent } from './consent';
import type { MembershipStatus, SuppressionReason } from './subscriber';
import { NotFoundError } from '../errors';

/**
 * Everything Pressroom holds about one subscriber, for a right-of-access request (GDPR Art. 15):
 * what staff download and hand to the person.
 */
export interface SubscriberData {
  generatedAt: string;
  profile: {
    id: string;
    email: string;
    language?: string;
    createdAt: string;
    /** When the last confirmation email went out (kept to ration them). */
    confirmationEmailSentAt?: string;
    /** Transient bounces in a row, and when the last was counted. */
    transientBounces?: number;
    lastBounceAt?: string;
  };
  memberships: { listId: string; listName: string; status: MembershipStatus; changedAt: string }[];
  suppression: { at: string; reason?: SuppressionReason } | null;
  /** A keyed hash of the address is on the blocklist (kept from an earlier erasure while suppressed). */
  addressBlocklisted: boolean;
  /** The consent history in full, newest first. */
  consentHistory: ConsentEvent[];
  /** What Pressroom may hold about the person that this document leaves out, and why. */
  notIncluded: { what: string; why: string }[];
}

export interface AccessRequestDeps {
  subscribers: Pick<SubscriberStore, 'get' | 'pageConsentHistory'>;
  lists: ListReader;
  blocklist: Pick<AddressBlocklist, 'isBlocked'>;
  clock: Clock;
}

/** Pages read when collecting the whole history: a person's history is short, this only bounds a runaway. */
const HISTORY_PAGE = 200;
const MAX_HISTORY_PAGES = 50;

/**
 * Said in every answer: what is held elsewhere, keyed in a way that cannot be listed per person, or
 * not held by Pressroom at all. Kept beside the use case so that a new store of personal data is
 * added here in the same change.
 */
export const NOT_INCLUDED: SubscriberData['notIncluded'] = [
  {
    what: 'per-release delivery records (subscriber id, list, status, the mail provider\'s message id, times; no address)',
    why: 'they are keyed by release so that one send spreads over the table; listing one person\'s would mean scanning every delivery ever made',
  },
  {
    what: 'staff\'s CSV import jobs and their reports (rows quote the addresses as imported)',
    why: 'they are staff\'s record of an import, kept by job; the consent history names the job (importJobId) each import came from; the uploaded files themselves are deleted after 7 days',
  },
  {
    what: 'mail-event receipts (bounces, complaints, deliveries)',
    why: 'they hold only a hash of the address, to count each event once, and expire after 14 days',
  },
  {
    what: 'sign-up rate-limit counters',
    why: 'they are kept per client network address, not per person, and expire with their hour',
  },
  {
    what: 'the emails themselves, and the mail provider\'s and the platform\'s logs',
    why: 'Pressroom keeps no copy of a sent email; the mail provider (Amazon SES) and the function logs (CloudWatch, by their retention) are outside this store',
  },
];

/**
 * Collects everything held about a subscriber: profile, memberships with their statuses and dates,
 * suppression, and the whole consent history, with what it leaves out and why.
 *
 * @throws NotFoundError for an unknown (or erased) subscriber.
 * @example
 * const document = await subscriberData(id, { subscribers, lists, blocklist, clock });
 */
export async function subscriberData(subscriberId: string, deps: AccessRequestDeps): Promise<SubscriberData> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  const [lists, blocked, consentHistory] = await Promise.all([
    deps.lists.all(),
    deps.blocklist.isBlocked(subscriber.email),
    wholeHistory(subscriberId, deps.subscribers),
  ]);
  const names = new Map(lists.map((l) => [l.id, l.name]));
  return {
    generatedAt: deps.clock.now().toISOString(),
    profile: {
      id: subscriber.id,
      email: subscriber.email,
      ...(subscriber.language ? { language: subscriber.language } : {}),
      createdAt: subscriber.createdAt,
      ...(subscriber.confirmationSentAt ? { confirmationEmailSentAt: subscriber.confirmationSentAt } : {}),
      ...(subscriber.transientBounces ? { transientBounces: subscriber.transientBounces } : {}),
      ...(subscriber.lastBounceAt ? { lastBounceAt: subscriber.lastBounceAt } : {}),
    },
    memberships: [...subscriber.memberships]
      .sort((a, b) => a.listId.localeCompare(b.listId))
      .map((m) => ({ listId: m.listId, listName: names.get(m.listId) ?? m.listId, status: m.status, changedAt: m.changedAt })),
    suppression: subscriber.suppressedAt ? { at: subscriber.suppressedAt, reason: subscriber.suppressionReason } : null,
    addressBlocklisted: blocked,
    consentHistory,
    notIncluded: NOT_INCLUDED,
  };
}

async function wholeHistory(subscriberId: string, subscribers: AccessRequestDeps['subscribers']): Promise<ConsentEvent[]> {
  const events: ConsentEvent[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
    const next = await subscribers.pageConsentHistory(subscriberId, cursor, HISTORY_PAGE);
    events.push(...next.events);
    cursor = next.cursor;
    if (!cursor) return events;
  }
  throw new Error(`Consent history of ${subscriberId} runs past ${HISTORY_PAGE * MAX_HISTORY_PAGES} events`);
}
