import * as z from 'zod';
import type { AddressBlocklist, MembershipChange, SubscriberStore } from './ports';
import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import { toFieldIssues } from '../field-issues';
import { MembershipStatus, normaliseEmail, SuppressionReason, type Membership, type Subscriber } from './subscriber';
import { CONSENT_PAGE_SIZE, ConsentEventType, ConsentSource, consentEvent, type ConsentEvent, type ConsentRecord } from './consent';
import type { EventPublisher } from '../webhooks/ports';
import { webhookEvent, WebhookEventType } from '../webhooks/event';

/** Staff tried to add lists to a suppressed subscriber (409 at the edge). */
export class SubscriberSuppressedError extends ConflictError {
  constructor(readonly subscriberId: string) {
    super(
      'This subscriber is suppressed (bounce, complaint or staff) and cannot be added to lists; ' +
        'the address can only come back through a fresh double opt-in',
    );
    this.name = 'SubscriberSuppressedError';
  }
}

/** What staff see of a subscriber. */
export interface SubscriberView {
  id: string;
  email: string;
  language?: string;
  createdAt: string;
  suppression: { at: string; reason?: string } | null;
  memberships: Membership[];
}

export interface ManageSubscribersDeps {
  subscribers: SubscriberStore;
  lists: ListReader;
  blocklist: AddressBlocklist;
  clock: Clock;
  /** Outgoing webhooks: staff's list changes are told as a reader's are. */
  events?: EventPublisher;
}

/** What staff see of a stored subscriber. */
export function subscriberView(s: Subscriber): SubscriberView {
  return {
    id: s.id,
    email: s.email,
    ...(s.language ? { language: s.language } : {}),
    createdAt: s.createdAt,
    suppression: s.suppressedAt ? { at: s.suppressedAt, reason: s.suppressionReason } : null,
    memberships: [...s.memberships].sort((a, b) => a.listId.localeCompare(b.listId)),
  };
}

/**
 * A subscriber as staff see them, by id (the console's pages after a look-up).
 *
 * @throws NotFoundError for an unknown or erased subscriber.
 * @example
 * const view = await subscriberById(id, { subscribers });
 */
export async function subscriberById(subscriberId: string, deps: { subscribers: Pick<SubscriberStore, 'get'> }): Promise<SubscriberView> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  return subscriberView(subscriber);
}

/**
 * Finds a subscriber by address, with memberships, suppression and dates.
 *
 * @throws ValidationError for a malformed address (unless one was stored as it is, before addresses
 *   were checked); NotFoundError when no subscriber has it (the
 *   message says when the address was erased and stays suppressed).
 * @example
 * const subscriber = await lookupSubscriber('reader@example.org', deps);
 */
export async function lookupSubscriber(email: unknown, deps: Pick<ManageSubscribersDeps, 'subscribers' | 'blocklist'>): Promise<SubscriberView> {
  let address: string;
  try {
    address = normaliseEmail(email, 'email');
  } catch (error) {
    // An address stored before addresses were checked for what SES can send is still found as it
    // was stored, so staff can see it and erase it; any other refused address stays a 400.
    const stored = error instanceof ValidationError && typeof email === 'string' ? await deps.subscribers.findByEmail(email.trim()) : undefined;
    if (stored) return subscriberView(stored);
    throw error;
  }
  const subscriber = await deps.subscribers.findByEmail(address);
  if (subscriber) return subscriberView(subscriber);
  if (await deps.blocklist.isBlocked(address)) {
    throw new NotFoundError('No subscriber has this address; it was erased and stays suppressed');
  }
  throw new NotFoundError('No subscriber has this address');
}

const listIds = z.array(z.string().min(1)).max(100);
const listChangesInput = z
  .object({ lists: z.object({ add: listIds.optional(), remove: listIds.optional() }).strict() })
  .strict();

/**
 * Applies `{ lists: { add?, remove? } }` from staff. Additions are confirmed at once (staff vouch
 * for consent, as with an import); removals become `unsubscribed` rather than disappearing, so the
 * list keeps the record that this person left.
 *
 * @throws ValidationError naming unknown or archived lists and malformed fields; NotFoundError for
 *   an unknown subscriber; SubscriberSuppressedError when lists are added to a suppressed subscriber.
 * @example
 * await changeSubscriberLists(id, { lists: { add: ['events'], remove: ['blog'] } }, deps);
 */
export async function changeSubscriberLists(subscriberId: string, body: unknown, deps: ManageSubscribersDeps): Promise<SubscriberView> {
  const parsed = listChangesInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid list changes');
  const add = [...new Set(parsed.data.lists.add ?? [])];
  const remove = [...new Set(parsed.data.lists.remove ?? [])];

  const lists = new Map((await deps.lists.all()).map((l) => [l.id, l] as const));
  const issues: FieldIssue[] = [];
  add.forEach((id, i) => {
    const list = lists.get(id);
    if (!list) issues.push({ field: `lists.add.${i}`, message: `unknown list "${id}"` });
    else if (list.archived) issues.push({ field: `lists.add.${i}`, message: `list "${id}" is archived and takes no new members` });
    else if (remove.includes(id)) issues.push({ field: `lists.add.${i}`, message: `"${id}" is both added and removed` });
  });
  remove.forEach((id, i) => {
    if (!lists.has(id)) issues.push({ field: `lists.remove.${i}`, message: `unknown list "${id}"` });
  });
  if (issues.length) throw new ValidationError(issues, 'Invalid list changes');

  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  if (add.length && subscriber.suppressedAt) throw new SubscriberSuppressedError(subscriberId);

  const member = new Set(subscriber.memberships.map((m) => m.listId));
  const changes: MembershipChange[] = [
    ...add.map((listId) => ({ listId, status: MembershipStatus.Confirmed })),
    // Leaving a list one never joined records nothing.
    ...remove.filter((listId) => member.has(listId)).map((listId) => ({ listId, status: MembershipStatus.Unsubscribed })),
  ];
  if (changes.length) {
    const now = deps.clock.now();
    // Recorded before the change (no transactions locally; a change that then fails is made, and
    // recorded again, when staff try again), and only what changes: adding a list they are confirmed
    // on, or removing one they left, is no change of consent.
    const standing = new Map(subscriber.memberships.map((m) => [m.listId, m.status]));
    const added = add.filter((id) => standing.get(id) !== MembershipStatus.Confirmed);
    const removed = remove.filter((id) => standing.has(id) && standing.get(id) !== MembershipStatus.Unsubscribed);
    const records: ConsentRecord[] = [];
    if (added.length) records.push({ subscriberId, event: consentEvent(ConsentEventType.Added, added, ConsentSource.Staff, now) });
    if (removed.length) records.push({ subscriberId, event: consentEvent(ConsentEventType.Unsubscribed, removed, ConsentSource.Staff, now) });
    if (records.length) await deps.subscribers.recordConsent(records);
    await deps.subscribers.setMemberships(subscriberId, changes, now);
    // As the preference centre tells them, after the change and never throwing (the publisher logs
    // instead): a CRM that follows the webhooks sees staff's changes too.
    const person = (lists: string[]) => ({ subscriber: { id: subscriberId, email: subscriber.email, lists } });
    if (removed.length) await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberUnsubscribed, person(removed), now));
    if (added.length) await deps.events?.publish(webhookEvent(WebhookEventType.SubscriberConfirmed, person(added), now));
  }
  return subscriberView((await deps.subscribers.get(subscriberId))!);
}

/** One page of a subscriber's consent history, newest first. */
export interface ConsentHistoryPage {
  subscriberId: string;
  events: ConsentEvent[];
  /** Pass back as `?cursor=` for older events; absent on the last page. */
  cursor?: string;
}

/**
 * A page of the consent history staff read beside a subscriber: what they agreed to, when, and who
 * made each change (consent.ts).
 *
 * @throws NotFoundError for an unknown (or erased) subscriber; ValidationError for a cursor this
 *   history did not give.
 * @example
 * const { events, cursor } = await consentHistory(id, undefined, { subscribers });
 */
export async function consentHistory(
  subscriberId: string,
  cursor: string | undefined,
  deps: { subscribers: Pick<SubscriberStore, 'get' | 'pageConsentHistory'> },
): Promise<ConsentHistoryPage> {
  if (!(await deps.subscribers.get(subscriberId))) throw new NotFoundError('No such subscriber');
  const page = await deps.subscribers.pageConsentHistory(subscriberId, cursor || undefined, CONSENT_PAGE_SIZE);
  return { subscriberId, events: page.events, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export interface EraseResult {
  erased: true;
  /** Whether a keyed hash of the address was kept so it stays suppressed. */
  suppressionKept: boolean;
  message: string;
}

/**
 * Erases a subscriber's personal data (profile, memberships, address lookup). A suppressed address
 * is put on the blocklist first, as a keyed hash only, so that re-importing it later is still
 * refused: forgetting a bounce or complaint would let us mail that address again.
 *
 * @throws NotFoundError for an unknown subscriber.
 * @example
 * const { suppressionKept } = await eraseSubscriber(id, deps);
 */
export async function eraseSubscriber(subscriberId: string, deps: Omit<ManageSubscribersDeps, 'lists'>): Promise<EraseResult> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  const suppressed = !!subscriber.suppressedAt;
  // Block before erasing: if the erase fails half-way, a retry still finds the subscriber, and the
  // address is never unprotected in between.
  if (suppressed) {
    await deps.blocklist.block(subscriber.email, subscriber.suppressionReason ?? SuppressionReason.Staff, deps.clock.now());
  }
  await deps.subscribers.erase(subscriberId);
  return {
    erased: true,
    suppressionKept: suppressed,
    message: suppressed
      ? 'Personal data erased; suppression kept as a keyed hash of the address'
      : 'Personal data erased; nothing about this address was kept',
  };
}

/**
 * Erases a subscriber once staff have typed their address: a guard against erasing the wrong
 * person from a page of look-ups (erasure cannot be undone). The typed address is compared as
 * addresses are stored (trimmed, domain lower-cased), so only a different address is refused.
 *
 * @throws ValidationError (field `confirm`) when the typed address is not the subscriber's;
 *   NotFoundError for an unknown subscriber.
 * @example
 * await eraseConfirmedSubscriber(id, 'reader@example.org', deps);
 */
export async function eraseConfirmedSubscriber(subscriberId: string, typed: string, deps: Omit<ManageSubscribersDeps, 'lists'>): Promise<EraseResult> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  let address: string | undefined;
  try {
    address = normaliseEmail(typed, 'confirm');
  } catch {
    // An address stored before addresses were checked is matched as it was stored.
    address = typed.trim();
  }
  if (address !== subscriber.email) {
    throw new ValidationError([{ field: 'confirm', message: 'The address typed is not this subscriber\'s address; nothing was erased' }], 'Erasure not confirmed');
  }
  return eraseSubscriber(subscriberId, deps);
}
