import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
import type { AddressBlocklist, SubscriberStore } from './ports';
import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import { listIn } from '../lists/mailing-list';
import { InvalidTokenError } from '../errors';
import { verifyToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { MembershipStatus, type Subscriber } from './subscriber';
import { CONFIRMATION_VALID_MS } from './confirmation';
import { ConsentEventType, ConsentSource, ConsentVia, consentEvent, type ConsentRecord } from './consent';

export interface ConfirmSubscriptionDeps {
  subscribers: SubscriberStore;
  blocklist: AddressBlocklist;
  lists: ListReader;
  clock: Clock;
  keyring: SigningKeyring;
  /** Told `subscriber.confirmed` with the lists just confirmed (outgoing webhooks). */
  events?: EventPublisher;
}

/** What a confirmation link is for: shown on the page, confirmed on POST. */
export interface ConfirmationView {
  /** The lists the link confirms that can still be joined, as { id, name }. */
  lists: { id: string; name: string }[];
  /** The subscriber's language, for the page. */
  language?: string;
  /** Whose link it is, once confirmed (for the welcome queued after); never shown. */
  subscriberId?: string;
}

/**
 * Verifies the token and finds its subscriber and the lists it may still confirm. Every failure is
 * the same InvalidTokenError: a page must not tell a forged link from an expired one, one whose
 * subscriber was erased, or one that is spent.
 *
 * A link is spent by what its owner (or their mailbox) said after it was sent: a list left since
 * the link was signed drops out of it, and a suppression since (a complaint, a bounce) spends the
 * whole link. So replaying an old link can neither undo an unsubscribe nor lift a complaint; a
 * fresh sign-up sends a fresh link, which can.
 */
async function resolve(token: string, deps: Omit<ConfirmSubscriptionDeps, 'blocklist'>, now: Date) {
  const claims = verifyToken(token, TokenPurpose.Confirm, deps.keyring, now);
  const subscriber = await deps.subscribers.get(claims.subscriberId);
  if (!subscriber) throw new InvalidTokenError('subscriber no longer exists');
  // Links signed before `issuedAt` existed: they were signed CONFIRMATION_VALID_MS before they expire
  // (to the second, rounded down, so a change in that second counts as after: the safe side).
  const issuedAt = claims.issuedAt ?? claims.expiresAt! * 1000 - CONFIRMATION_VALID_MS;
  const after = (at: string | undefined) => at !== undefined && Date.parse(at) > issuedAt;
  if (after(subscriber.suppressedAt)) throw new InvalidTokenError('spent: suppressed since the link was sent');
  const leftSince = new Set(
    subscriber.memberships.filter((m) => m.status === MembershipStatus.Unsubscribed && after(m.changedAt)).map((m) => m.listId),
  );
  const wanted = claims.lists!.filter((id) => !leftSince.has(id));
  if (!wanted.length) throw new InvalidTokenError('spent: every list left since the link was sent');
  // A list archived since the sign-up takes no new members; one made private keeps the consent given.
  const known = await Promise.all(wanted.map((id) => deps.lists.get(id)));
  // Named in the subscriber's language, as the confirmation pages around them are.
  const lists = known.filter((l) => l && !l.archived).map((l) => ({ id: l!.id, name: listIn(l!, subscriber.language).name }));
  return { subscriber, lists };
}

const view = (subscriber: Subscriber, lists: ConfirmationView['lists']): ConfirmationView => ({ lists, language: subscriber.language });

/**
 * Checks a confirmation link without changing anything: GET requests come from mail scanners too.
 *
 * @throws InvalidTokenError for a tampered, foreign-purpose or expired token, or an erased subscriber.
 * @example
 * const { lists } = await readConfirmation(token, deps); // [{ id: 'blog', name: 'Blog' }]
 */
export async function readConfirmation(token: string, deps: Omit<ConfirmSubscriptionDeps, 'blocklist'>): Promise<ConfirmationView> {
  const { subscriber, lists } = await resolve(token, deps, deps.clock.now());
  return view(subscriber, lists);
}

/**
 * Confirms the lists a confirmation link names and still allows (see `resolve`). This is a fresh
 * opt-in, so it also lifts a suppression from before the link and forgets the address's blocklist
 * entry. Idempotent: lists already confirmed are left as they are (their change time too, which the
 * fan-out reads).
 *
 * @throws InvalidTokenError for a tampered, foreign-purpose, expired or spent token, or an erased subscriber.
 * @example
 * await confirmSubscription(token, { subscribers, blocklist, lists, clock, keyring });
 */
export async function confirmSubscription(token: string, deps: ConfirmSubscriptionDeps): Promise<ConfirmationView> {
  const now = deps.clock.now();
  const { subscriber, lists } = await resolve(token, deps, now);
  const confirmed = new Set(subscriber.memberships.filter((m) => m.status === MembershipStatus.Confirmed).map((m) => m.listId));
  const changes = lists.filter((l) => !confirmed.has(l.id)).map((l) => ({ listId: l.id, status: MembershipStatus.Confirmed }));
  // Recorded before the changes (no transactions locally): the reader did click, and a change that
  // then fails is made by their next click, which records it again. Recorded after, a record that
  // failed would never be written: the next click would find nothing left to change.
  const records: ConsentRecord[] = [];
  if (changes.length) {
    const event = consentEvent(ConsentEventType.Confirmed, changes.map((c) => c.listId), ConsentSource.Reader, now, { via: ConsentVia.ConfirmationLink });
    records.push({ subscriberId: subscriber.id, event });
  }
  if (subscriber.suppressedAt) {
    const event = consentEvent(ConsentEventType.Unsuppressed, lists.map((l) => l.id), ConsentSource.Reader, now, { via: ConsentVia.ConfirmationLink });
    records.push({ subscriberId: subscriber.id, event });
  }
  if (records.length) await deps.subscribers.recordConsent(records);
  if (changes.length) await deps.subscribers.setMemberships(subscriber.id, changes, now);
  // Memberships first: unsuppressing then re-indexes them, so they become mailable in one step.
  if (subscriber.suppressedAt) await deps.subscribers.unsuppress(subscriber.id, now);
  await deps.blocklist.unblock(subscriber.email);
  // After every change, and never throwing: a second click confirms nothing and tells nothing.
  if (changes.length) {
    const data = { subscriber: { id: subscriber.id, email: subscriber.email, lists: changes.map((c) => c.listId) } };
    await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberConfirmed, data, now));
  }
  return { ...view(subscriber, lists), subscriberId: subscriber.id };
}
