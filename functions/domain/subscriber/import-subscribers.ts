import type { AddressBlocklist, SubscriberStore } from './ports';
import type { Clock } from '../ports';
import { ValidationError, type FieldIssue } from '../errors';
import { MembershipStatus, normaliseEmail } from './subscriber';
import { ConsentEventType, ConsentSource, consentEvent } from './consent';
import { resolverOf, unknownListMessage, type TargetLists } from '../lists/list-resolver';

export interface ImportSubscribersDeps {
  subscribers: SubscriberStore;
  blocklist: AddressBlocklist;
  clock: Clock;
  /** The lists staff may import into, by id or display name. */
  listIds: TargetLists;
  /** Queues the welcome of lists just confirmed (lists that welcome imports only); none when absent. */
  welcome?: (subscriberId: string, lists: string[]) => Promise<unknown>;
}

export interface ImportedSubscriber {
  email: string;
  /** Absent only for an address that was erased while suppressed. */
  subscriberId?: string;
  lists: string[];
  created: boolean;
  /** Set when the address is suppressed (or was erased while suppressed): nothing was changed. */
  skipped?: 'suppressed';
}

const MAX_PER_REQUEST = 1000;

/** Accepts `{ email, lists }`, `[{ email, lists }, …]` or `{ subscribers: [...] }`. */
function entriesOf(body: unknown): { entries: unknown[]; prefix: (i: number) => string } {
  if (Array.isArray(body)) return { entries: body, prefix: (i) => `${i}.` };
  if (body && typeof body === 'object' && Array.isArray((body as { subscribers?: unknown }).subscribers)) {
    return { entries: (body as { subscribers: unknown[] }).subscribers, prefix: (i) => `subscribers.${i}.` };
  }
  return { entries: [body], prefix: () => '' };
}

/**
 * Adds staff-provided subscribers as confirmed members of existing lists. The whole request is
 * validated first, so a bad row means nothing is imported and every bad field is reported.
 * Suppressed and blocklisted addresses are skipped (reported, not an error): a bounce or complaint
 * outranks a staff list, and such an address can only come back through a fresh double opt-in.
 *
 * @throws ValidationError naming every invalid address and unknown list.
 * @example
 * await importSubscribers({ email: 'a@example.org', lists: ['blog'] }, { subscribers, blocklist, clock, listIds });
 */
export async function importSubscribers(body: unknown, deps: ImportSubscribersDeps): Promise<ImportedSubscriber[]> {
  const { entries, prefix } = entriesOf(body);
  if (entries.length === 0) throw new ValidationError([{ field: 'subscribers', message: 'give at least one subscriber' }]);
  if (entries.length > MAX_PER_REQUEST) {
    throw new ValidationError([{ field: 'subscribers', message: `at most ${MAX_PER_REQUEST} per request` }]);
  }
  const issues: FieldIssue[] = [];
  const resolver = resolverOf(deps.listIds);
  const valid = entries.map((entry, i) => {
    const at = prefix(i);
    if (!entry || typeof entry !== 'object') {
      issues.push({ field: at.replace(/\.$/, '') || '(body)', message: 'must be an object { email, lists }' });
      return undefined;
    }
    const { email, lists } = entry as { email?: unknown; lists?: unknown };
    let address: string | undefined;
    try {
      address = normaliseEmail(email, `${at}email`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      issues.push(...error.issues);
    }
    if (!Array.isArray(lists) || lists.length === 0 || lists.some((l) => typeof l !== 'string')) {
      issues.push({ field: `${at}lists`, message: 'must be a non-empty array of list ids' });
      return undefined;
    }
    const resolved = resolver.resolve(lists as string[]);
    for (const unknown of resolved.unknown) issues.push({ field: `${at}lists.${unknown.index}`, message: unknownListMessage(unknown) });
    return address ? { email: address, lists: resolved.ids } : undefined;
  });
  if (issues.length) throw new ValidationError(issues, 'Invalid subscribers');

  const now = deps.clock.now();
  const imported: ImportedSubscriber[] = [];
  for (const entry of valid) {
    const { email, lists } = entry!;
    const existing = await deps.subscribers.findByEmail(email);
    if (existing?.suppressedAt || (await deps.blocklist.isBlocked(email))) {
      imported.push({ email, subscriberId: existing?.id, lists: [], created: false, skipped: 'suppressed' });
      continue;
    }
    const { subscriber, created } = await deps.subscribers.addConfirmed(email, lists, now);
    // Recorded right after the change (no transactions locally); lists already confirmed are no change.
    const added = lists.filter((l) => !existing?.memberships.some((m) => m.listId === l && m.status === MembershipStatus.Confirmed));
    if (added.length) {
      await deps.subscribers.recordConsent([{ subscriberId: subscriber.id, event: consentEvent(ConsentEventType.Added, added, ConsentSource.Api, now) }]);
      await deps.welcome?.(subscriber.id, added);
    }
    imported.push({ email, subscriberId: subscriber.id, lists, created });
  }
  return imported;
}
