import type { Clock } from '../ports';
import type { SubscriberStore } from './ports';
import { CONFIRMATION_VALID_MS } from './confirmation';
import { MembershipStatus } from './subscriber';
import { ConsentEventType, ConsentSource, consentEvent } from './consent';

export interface PurgePendingDeps {
  subscribers: SubscriberStore;
  clock: Clock;
  /** Pending memberships read per page. */
  pageSize?: number;
  /** Upper bound per run, so one run fits in a Lambda's time; the next hourly run continues. */
  maxPerRun?: number;
}

export interface PurgePendingResult {
  /** Pending memberships removed. */
  removed: number;
  /** Subscribers erased because nothing was left of them. */
  erased: number;
}

/**
 * Removes sign-ups left unconfirmed after their link expired (7 days), and erases subscribers who
 * have nothing else: an address someone typed into the form and never confirmed leaves no data.
 * A suppressed subscriber is kept, so the suppression outlives the purge.
 *
 * Each membership is read again before it goes, because the index may lag and the person may have
 * signed up again (a fresh pending membership) or confirmed since the page was read.
 *
 * @example
 * await purgePendingSignups({ subscribers, clock }); // { removed: 3, erased: 2 }
 */
export async function purgePendingSignups(deps: PurgePendingDeps): Promise<PurgePendingResult> {
  const before = new Date(deps.clock.now().getTime() - CONFIRMATION_VALID_MS);
  const cutoff = before.toISOString();
  const pageSize = deps.pageSize ?? 100;
  const maxPerRun = deps.maxPerRun ?? 5_000;
  const result: PurgePendingResult = { removed: 0, erased: 0 };
  let cursor: string | undefined;
  let seen = 0;
  while (seen < maxPerRun) {
    const page = await deps.subscribers.pagePendingBefore(before, cursor, pageSize);
    let removedHere = 0;
    for (const member of page.members) {
      const subscriber = await deps.subscribers.get(member.subscriberId);
      const current = subscriber?.memberships.find((m) => m.listId === member.listId);
      if (!subscriber || current?.status !== MembershipStatus.Pending || current.changedAt >= cutoff) continue;
      await deps.subscribers.removeMembership(subscriber.id, member.listId);
      removedHere++;
      const left = subscriber.memberships.filter((m) => m.listId !== member.listId);
      if (left.length === 0 && !subscriber.suppressedAt) {
        // Erased whole, history too: an address typed into the form and never confirmed leaves nothing.
        await deps.subscribers.erase(subscriber.id);
        result.erased++;
      } else {
        // Recorded right after the change (no transactions locally).
        const now = deps.clock.now();
        await deps.subscribers.recordConsent([
          { subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Expired, [member.listId], ConsentSource.System, now) },
        ]);
      }
    }
    result.removed += removedHere;
    seen += page.members.length;
    if (!page.cursor) break;
    // What was removed drops out of the query, so after removals start again from the top rather
    // than trust a cursor into a result that has shifted; only skip ahead past rows left in place.
    cursor = removedHere > 0 ? undefined : page.cursor;
  }
  return result;
}
