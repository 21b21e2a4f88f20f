import { NotFoundError, ValidationError } from '../errors';
import type { ReleaseStore } from '../release/ports';
import type { SubscriberStore } from '../subscriber/ports';
import type { MembershipStatus, SuppressionReason } from '../subscriber/subscriber';
import { DeliveryStatus, type DeliveryRecord } from './delivery';
import type { DeliveryStore } from './ports';

/** How a release's email went for one member of one of its lists. */
export const RecipientOutcome = {
  Sent: 'sent',
  Failed: 'failed',
  Skipped: 'skipped',
  /** Being sent right now (a worker holds the claim). */
  Sending: 'sending',
  /** No delivery for this member: they joined or confirmed after the send was planned, or it has not reached them yet. */
  NotSent: 'not-sent',
} as const;
export type RecipientOutcome = (typeof RecipientOutcome)[keyof typeof RecipientOutcome];

export interface RecipientRow {
  subscriberId: string;
  email: string;
  listId: string;
  /** The member's standing on the list now (they may have left since). */
  membership: MembershipStatus;
  outcome: RecipientOutcome;
  /** When it was sent, or when it ended otherwise. */
  at?: string;
  /** Why it failed or was skipped. */
  reason?: string;
  /** The list the email reached them through, when another of the release's lists did. */
  reachedThrough?: string;
  /** Suppressed (a bounce, a complaint) now, with when: after `at`, the email is likely what caused it. */
  suppressed?: { reason?: SuppressionReason; at: string };
  /** What the provider reported about this email, when it did: delivered, bounced (with its type), complained of, rejected. */
  reported?: { delivered?: string; bounced?: { at: string; type?: string }; complained?: string; rejected?: string; unsubscribed?: string };
}

function reportedOf(record: DeliveryRecord | undefined): RecipientRow['reported'] | undefined {
  if (!record || !(record.deliveredAt || record.bouncedAt || record.complainedAt || record.rejectedAt || record.unsubscribedAt)) return undefined;
  return {
    ...(record.deliveredAt ? { delivered: record.deliveredAt } : {}),
    ...(record.bouncedAt ? { bounced: { at: record.bouncedAt, ...(record.bounceType ? { type: record.bounceType } : {}) } } : {}),
    ...(record.complainedAt ? { complained: record.complainedAt } : {}),
    ...(record.rejectedAt ? { rejected: record.rejectedAt } : {}),
    ...(record.unsubscribedAt ? { unsubscribed: record.unsubscribedAt } : {}),
  };
}

export interface RecipientPage {
  releaseId: string;
  listId: string;
  recipients: RecipientRow[];
  /** Pass back as `cursor` for the next page; absent on the last. */
  next?: string;
}

export interface RecipientQuery {
  /** One of the release's lists; its first when absent. */
  listId?: string;
  cursor?: string;
  /** Look one person up by address instead of paging. */
  email?: string;
  limit?: number;
}

export interface RecipientDeps {
  releases: Pick<ReleaseStore, 'get'>;
  subscribers: Pick<SubscriberStore, 'pageMembers' | 'get' | 'findByEmail'>;
  deliveries: Pick<DeliveryStore, 'getMany'>;
}

const PAGE = 50;

function outcomeOf(record: DeliveryRecord | undefined): Pick<RecipientRow, 'outcome' | 'at' | 'reason'> {
  if (!record) return { outcome: RecipientOutcome.NotSent };
  switch (record.status) {
    case DeliveryStatus.Sent:
      return { outcome: RecipientOutcome.Sent, at: record.sentAt };
    case DeliveryStatus.Claimed:
      return { outcome: RecipientOutcome.Sending, at: record.claimedAt };
    default:
      return { outcome: record.status === DeliveryStatus.Failed ? RecipientOutcome.Failed : RecipientOutcome.Skipped, at: record.endedAt, reason: record.reason };
  }
}

/**
 * Who got a release's email: the members of one of its lists, a page at a time (or one person by
 * address), each with how the email went for them. Read only when staff look, so the send path pays
 * nothing for it: the members come from the list and their deliveries by key, so a member who left
 * the list (but was not erased) still shows, with their standing now.
 *
 * What the provider reported afterwards (delivered, bounced, complained of, rejected) is kept on
 * each delivery by the mail-events consumer, and shown with it, as is an unsubscribe through the
 * email's own link (links signed before they named their release are not attributed).
 *
 * @throws NotFoundError for no such release; ValidationError for a list the release was not sent to.
 * @example
 * const { recipients, next } = await listRecipients('spring-update', { listId: 'blog' }, { releases, subscribers, deliveries });
 */
export async function listRecipients(releaseId: string, query: RecipientQuery, deps: RecipientDeps): Promise<RecipientPage> {
  const release = await deps.releases.get(releaseId);
  if (!release) throw new NotFoundError(`No release ${releaseId}`);
  const listId = query.listId ?? release.lists[0];
  if (!release.lists.includes(listId)) {
    throw new ValidationError([{ field: 'list', message: `the release went to ${release.lists.join(', ')}, not "${listId}"` }], 'Invalid query');
  }
  if (query.email !== undefined) {
    const subscriber = await deps.subscribers.findByEmail(query.email.trim());
    const memberships = subscriber?.memberships.filter((m) => release.lists.includes(m.listId)) ?? [];
    if (!subscriber || !memberships.length) return { releaseId, listId, recipients: [] };
    const record = (await deps.deliveries.getMany(releaseId, [subscriber.id])).get(subscriber.id);
    return { releaseId, listId, recipients: memberships.map((m) => row(subscriber, m.listId, m.status, record)) };
  }
  const page = await deps.subscribers.pageMembers(listId, query.cursor, Math.min(query.limit ?? PAGE, 100));
  const ids = page.members.map((m) => m.subscriberId);
  const [records, profiles] = await Promise.all([deps.deliveries.getMany(releaseId, ids), Promise.all(ids.map((id) => deps.subscribers.get(id)))]);
  const recipients = page.members.flatMap((member, i) => {
    const profile = profiles[i];
    // Erased while the page was read: there is no one left to show.
    return profile ? [row(profile, listId, member.status, records.get(member.subscriberId))] : [];
  });
  return { releaseId, listId, recipients, ...(page.cursor ? { next: page.cursor } : {}) };
}

function row(
  subscriber: { id: string; email: string; suppressedAt?: string; suppressionReason?: SuppressionReason },
  listId: string,
  membership: MembershipStatus,
  record: DeliveryRecord | undefined,
): RecipientRow {
  return {
    subscriberId: subscriber.id,
    email: subscriber.email,
    listId,
    membership,
    ...outcomeOf(record),
    ...(record && record.listId !== listId ? { reachedThrough: record.listId } : {}),
    ...(reportedOf(record) ? { reported: reportedOf(record) } : {}),
    ...(subscriber.suppressedAt ? { suppressed: { reason: subscriber.suppressionReason, at: subscriber.suppressedAt } } : {}),
  };
}
