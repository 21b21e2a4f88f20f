import type { Clock, SubscriberStore } from '../ports';
import { verifyToken, TokenPurpose, type SigningKeyring } from '../security/link-tokens';

export interface UnsubscribeDeps {
  subscribers: SubscriberStore;
  clock: Clock;
  keyring: SigningKeyring;
}

/**
 * Checks an unsubscribe token without changing anything (a GET: mail scanners prefetch links).
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 */
export function readUnsubscribeToken(token: string, deps: Pick<UnsubscribeDeps, 'clock' | 'keyring'>): { listId: string } {
  const claims = verifyToken(token, TokenPurpose.Unsubscribe, deps.keyring, deps.clock.now());
  return { listId: claims.listId! };
}

/**
 * Takes the subscriber off the list the token names. Idempotent: a second click changes nothing.
 * Takes effect before it returns, so any release still queued skips this address at send time.
 *
 * @throws InvalidTokenError when the token is not one we signed for unsubscribing.
 */
export async function unsubscribe(token: string, deps: UnsubscribeDeps): Promise<{ listId: string }> {
  const now = deps.clock.now();
  const claims = verifyToken(token, TokenPurpose.Unsubscribe, deps.keyring, now);
  await deps.subscribers.unsubscribe(claims.subscriberId, claims.listId!, now);
  return { listId: claims.listId! };
}
