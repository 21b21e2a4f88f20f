import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
import type { Clock } from '../ports';
import type { SubscriberStore } from './ports';
import type { DeliveryStore } from '../delivery/ports';
import { signToken, verifyToken, TokenPurpose, type SigningKeyring, type TokenClaims } from '../security/link-tokens';
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
  /** The first list the link leaves. */
  listId: string;
  /** Every list the link leaves: those that brought the email (one on links signed before that). */
  listIds: string[];
  /** A preference-centre token for the same subscriber, for the page's "manage preferences" link. */
  preferencesToken: string;
  /** The subscriber's language for the page; absent when they chose none or were erased. */
  language?: string;
}

/**
 * Signs the unsubscribe link of one release's email to one reader: it leaves every list of the
 * release that reached them (`lists`, the release's lists they were on at send time, in the
 * release's order). The first stays the `l` claim, so the token reads as before to anything that
 * knows one list only; the whole set goes in `ls` only when there are several, so a single-list
 * link (most of them, and the List-Unsubscribe header is long enough) is as short as before.
 *
 * @example
 * const token = signUnsubscribeToken({ subscriberId: 's1', releaseId: 'r1', lists: ['blog', 'press-releases'] }, keyring);
 */
export function signUnsubscribeToken(link: { subscriberId: string; releaseId: string; lists: readonly string[] }, keyring: SigningKeyring): string {
  const [listId, ...more] = link.lists;
  if (!listId) throw new Error('An unsubscribe link must leave at least one list');
  return signToken(
    { purpose: TokenPurpose.Unsubscribe, subscriberId: link.subscriberId, listId, releaseId: link.releaseId, ...(more.length ? { lists: [...link.lists] } : {}) },
    keyring,
  );
}

/**
 * The lists an unsubscribe link's claims leave: its `lists` when it names several, else its one
 * list (every link signed before links named several). `l` is always among them, once, first.
 *
 * @example
 * listsToLeave({ purpose: 'unsubscribe', subscriberId: 's1', listId: 'blog' }); // ['blog']
 */
export function listsToLeave(claims: Pick<TokenClaims, 'listId' | 'lists'>): string[] {
  return [...new Set([claims.listId!, ...(claims.lists ?? [])])];
}

/**
 * Checks an unsubscribe token without changing anything (a GET: mail scanners prefetch links).
 *
 * The preferences token is signed on the fly rather than carried in the email: the unsubscribe
 * token already proves who the subscriber is, and one-click links must stay short.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 * @example
 * const { listIds, preferencesToken, language } = await readUnsubscribeToken(token, { subscribers, clock, keyring });
 */
export async function readUnsubscribeToken(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink> {
  const { listIds, subscriberId } = verified(token, deps);
  const language = (await deps.subscribers.get(subscriberId))?.language;
  return linkFor(subscriberId, listIds, language, deps);
}

/** The link's page details, in the subscriber's own language. */
function linkFor(subscriberId: string, listIds: string[], language: string | undefined, deps: Pick<UnsubscribeDeps, 'keyring'>): UnsubscribeLink {
  return { listId: listIds[0], listIds, preferencesToken: signPreferencesToken(subscriberId, deps.keyring), ...(language ? { language } : {}) };
}

function verified(token: string, deps: Pick<UnsubscribeDeps, 'clock' | 'keyring'>): { subscriberId: string; listIds: string[]; releaseId?: string } {
  const claims = verifyToken(token, TokenPurpose.Unsubscribe, deps.keyring, deps.clock.now());
  // verifyToken refuses an unsubscribe token without a list, so there is always one to leave.
  return { subscriberId: claims.subscriberId, listIds: listsToLeave(claims), ...(claims.releaseId ? { releaseId: claims.releaseId } : {}) };
}

/**
 * Takes the subscriber off every list the token names: the lists that brought that email, so that
 * "stop sending me this" (RFC 8058 one-click, as Gmail and Yahoo read it) also stops the next
 * release to any of them. Idempotent: a second click changes nothing and records nothing. Takes
 * effect before it returns, so any release still queued skips this address at send time.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 * @example
 * await unsubscribe(token, { subscribers, clock, keyring }); // RFC 8058 one-click POST
 */
export async function unsubscribe(token: string, deps: UnsubscribeDeps): Promise<UnsubscribeLink & { left: string[] }> {
  const { subscriberId, listIds, releaseId } = verified(token, deps);
  const subscriber = await deps.subscribers.get(subscriberId);
  const now = deps.clock.now();
  // Only memberships not left already are recorded, so a second click adds no event.
  const left = listIds.filter((listId) => {
    const standing = subscriber?.memberships.find((m) => m.listId === listId)?.status;
    return standing !== undefined && standing !== MembershipStatus.Unsubscribed;
  });
  // One event naming each list left once, recorded before the change (no transactions locally): a
  // change that then fails is made by the reader's next click, which records it again; a record
  // written after a change that had succeeded would, failing, never be written.
  if (left.length) {
    const event = consentEvent(ConsentEventType.Unsubscribed, left, ConsentSource.Reader, now, { via: ConsentVia.UnsubscribeLink });
    await deps.subscribers.recordConsent([{ subscriberId, event }]);
  }
  // Every named list, as before: the store's write is a no-op for a list never joined or left.
  for (const listId of listIds) await deps.subscribers.unsubscribe(subscriberId, listId, now);
  if (left.length) {
    // Noted on the delivery that carried the link, once (a second click finds it noted).
    if (releaseId && deps.deliveries) await deps.deliveries.recordReport(releaseId, subscriberId, { kind: 'unsubscribed', at: now });
    await tellUnsubscribed(subscriber!, left, now, deps);
  }
  return { ...linkFor(subscriberId, listIds, subscriber?.language, deps), left };
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
  const { subscriberId, listIds } = verified(token, deps);
  const subscriber = await deps.subscribers.get(subscriberId);
  const changes = subscriber ? leaveAllChanges(subscriber) : [];
  if (changes.length) {
    const now = deps.clock.now();
    // Recorded before the change, as in unsubscribe above.
    const event = consentEvent(ConsentEventType.Unsubscribed, changes.map((c) => c.listId), ConsentSource.Reader, now, { via: ConsentVia.UnsubscribeAll });
    await deps.subscribers.recordConsent([{ subscriberId, event }]);
    await deps.subscribers.setMemberships(subscriberId, changes, now);
    await tellUnsubscribed(subscriber!, changes.map((c) => c.listId), now, deps);
  }
  return { ...linkFor(subscriberId, listIds, subscriber?.language, deps), left: changes.map((c) => c.listId) };
}

/** After the change, and only when something was left; publishing never throws. */
async function tellUnsubscribed(subscriber: Subscriber, lists: string[], now: Date, deps: UnsubscribeDeps): Promise<void> {
  const data = { subscriber: { id: subscriber.id, email: subscriber.email, lists } };
  await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberUnsubscribed, data, now));
}
