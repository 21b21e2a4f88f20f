import type { AddressBlocklist, SubscriberStore } from './ports';
import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import { InvalidTokenError } from '../errors';
import { verifyToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';
import { MembershipStatus, type Subscriber } from './subscriber';

export interface ConfirmSubscriptionDeps {
  subscribers: SubscriberStore;
  blocklist: AddressBlocklist;
  lists: ListReader;
  clock: Clock;
  keyring: SigningKeyring;
}

/** What a confirmation link is for: shown on the page, confirmed on POST. */
export interface ConfirmationView {
  /** The lists the link confirms that can still be joined, as { id, name }. */
  lists: { id: string; name: string }[];
  /** The subscriber's language, for the page. */
  language?: string;
}

/**
 * Verifies the token and finds its subscriber and lists. Every failure is the same InvalidTokenError:
 * a page must not tell a forged link from an expired one or from one whose subscriber was erased.
 */
async function resolve(token: string, deps: Omit<ConfirmSubscriptionDeps, 'blocklist'>, now: Date) {
  const claims = verifyToken(token, TokenPurpose.Confirm, deps.keyring, now);
  const subscriber = await deps.subscribers.get(claims.subscriberId);
  if (!subscriber) throw new InvalidTokenError('subscriber no longer exists');
  // A list archived since the sign-up takes no new members; one made private keeps the consent given.
  const known = await Promise.all(claims.lists!.map((id) => deps.lists.get(id)));
  const lists = known.filter((l) => l && !l.archived).map((l) => ({ id: l!.id, name: l!.name }));
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
 * Confirms the lists a confirmation link names. This is a fresh opt-in, so it also lifts a
 * suppression (bounce, complaint, staff) and forgets the address's blocklist entry. Idempotent.
 *
 * @throws InvalidTokenError for a tampered, foreign-purpose or expired token, or an erased subscriber.
 * @example
 * await confirmSubscription(token, { subscribers, blocklist, lists, clock, keyring });
 */
export async function confirmSubscription(token: string, deps: ConfirmSubscriptionDeps): Promise<ConfirmationView> {
  const now = deps.clock.now();
  const { subscriber, lists } = await resolve(token, deps, now);
  await deps.subscribers.setMemberships(subscriber.id, lists.map((l) => ({ listId: l.id, status: MembershipStatus.Confirmed })), now);
  // Memberships first: unsuppressing then re-indexes them, so they become mailable in one step.
  if (subscriber.suppressedAt) await deps.subscribers.unsuppress(subscriber.id, now);
  await deps.blocklist.unblock(subscriber.email);
  return view(subscriber, lists);
}
