import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
import type { Clock } from '../ports';
import type { SubscriberStore } from './ports';
import type { DeliveryStore } from '../delivery/ports';
import { verifyToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { leaveAllChanges, signPreferencesToken } from './preferences';
import { ConsentEventType, ConsentSource, ConsentVia, consentEvent } from './consent';
import { MembershipStatus, type Subscriber } from './subscriber';

export interface UnsubscribeDeps {
  subscribers: SubscriberStore;
  clock: Clock;
  keyring: SigningKeyring;
  /** Where a link from a release's email is noted on that delivery (staff's who got it). */
  deliveries?: Pick<DeliveryStore, 'recordReport'>;
  /** Told `subscriber.unsubscribed` with the lists just left (outgoing webhooks). */
  events?: EventPublisher;
}

export interface UnsubscribeLink {
  /** The list the link leaves. */
  listId: string;
  /** A preference-centre token for the same subscriber, for the page's "manage preferences" link. */
  preferencesToken: string;
  /** The subscriber's language for the page; absent when they chose none or were erased. */
  language?: string;
}

/**
 * Checks an unsubscribe token without changing anything (a GET: mail scanners prefetch links).
 *
 * The preferences token is signed on the fly rather than carried in the email: the unsubscribe
 * token already proves who the subscriber is, and one-click links must stay short.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 * @example
 * const { listId, preferencesToken, language } = await readUnsubscribeToken(token, { subscribers, clock, keyring });
 */
export async function readUnsubscribeToken(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink> {
  const { listId, subscriberId } = verified(token, deps);
  return linkFor(subscriberId, listId, deps);
}

/** The link's page details, in the subscriber's own language (the token is checked before any read). */
async function linkFor(subscriberId: string, listId: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink> {
  const language = (await deps.subscribers.get(subscriberId))?.language;
  return { listId, preferencesToken: signPreferencesToken(subscriberId, deps.keyring), ...(language ? { language } : {}) };
}

function verified(token: string, deps: Pick<UnsubscribeDeps, 'clock' | 'keyring'>): { subscriberId: string; listId: string; releaseId?: string } {
  const claims = verifyToken(token, TokenPurpose.Unsubscribe, deps.keyring, deps.clock.now());
  // verifyToken refuses an unsubscribe token without a list, so listId is always there.
  return { subscriberId: claims.subscriberId, listId: claims.listId!, ...(claims.releaseId ? { releaseId: claims.releaseId } : {}) };
}

/**
 * Takes the subscriber off the list the token names. Idempotent: a second click changes nothing.
 * Takes effect before it returns, so any release still queued skips this address at send time.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 * @example
 * await unsubscribe(token, { subscribers, clock, keyring }); // RFC 8058 one-click POST
 */
export async function unsubscribe(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink> {
  const { subscriberId, listId, releaseId } = verified(token, deps);
  const subscriber = await deps.subscribers.get(subscriberId);
  const now = deps.clock.now();
  await deps.subscribers.unsubscribe(subscriberId, listId, now);
  // Only a membership that was not left already is recorded, so a second click adds no event.
  // Recorded right after the change (no transactions locally).
  const standing = subscriber?.memberships.find((m) => m.listId === listId)?.status;
  if (standing && standing !== MembershipStatus.Unsubscribed) {
    const event = consentEvent(ConsentEventType.Unsubscribed, [listId], ConsentSource.Reader, now, { via: ConsentVia.UnsubscribeLink });
    await deps.subscribers.recordConsent([{ subscriberId, event }]);
    // Noted on the delivery that carried the link, once (a second click finds it noted).
    if (releaseId && deps.deliveries) await deps.deliveries.recordReport(releaseId, subscriberId, { kind: 'unsubscribed', at: now });
    await tellUnsubscribed(subscriber!, [listId], now, deps);
  }
  const language = subscriber?.language;
  return { listId, preferencesToken: signPreferencesToken(subscriberId, deps.keyring), ...(language ? { language } : {}) };
}

/**
 * Takes the subscriber off every list (the unsubscribe page's "all lists" button). Idempotent, and
 * like {@link unsubscribe} it answers the same for an erased subscriber: there is nothing left to leave.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 * @example
 * const { left } = await unsubscribeAll(token, { subscribers, clock, keyring });
 */
export async function unsubscribeAll(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink & { left: string[] }> {
  const { subscriberId, listId } = verified(token, deps);
  const subscriber = await deps.subscribers.get(subscriberId);
  const changes = subscriber ? leaveAllChanges(subscriber) : [];
  if (changes.length) {
    const now = deps.clock.now();
    await deps.subscribers.setMemberships(subscriberId, changes, now);
    const event = consentEvent(ConsentEventType.Unsubscribed, changes.map((c) => c.listId), ConsentSource.Reader, now, { via: ConsentVia.UnsubscribeAll });
    await deps.subscribers.recordConsent([{ subscriberId, event }]);
    await tellUnsubscribed(subscriber!, changes.map((c) => c.listId), now, deps);
  }
  const language = subscriber?.language;
  return {
    listId,
    preferencesToken: signPreferencesToken(subscriberId, deps.keyring),
    left: changes.map((c) => c.listId),
    ...(language ? { language } : {}),
  };
}

/** After the change, and only when something was left; publishing never throws. */
async function tellUnsubscribed(subscriber: Subscriber, lists: string[], now: Date, deps: UnsubscribeDeps): Promise<void> {
  const data = { subscriber: { id: subscriber.id, email: subscriber.email, lists } };
  await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberUnsubscribed, data, now));
}
