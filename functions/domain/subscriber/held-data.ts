import type { Clock } from '../ports';
import { NotFoundError } from '../errors';
import type { SubscriberStore } from './ports';
import { subscriberView, type SubscriberView } from './manage-subscribers';

/**
 * Everything Pressroom holds about one subscriber, as a right-of-access request is answered.
 *
 * For now this is what staff's look-up shows (profile, memberships with their dates, suppression);
 * a fuller record with the consent history (`GET /admin/subscribers/{id}/data`) is being added
 * beside it, and should replace this function's body when it lands: the console's download calls
 * only `SubscribersService.heldData`.
 */
export interface HeldData {
  exportedAt: string;
  subscriber: SubscriberView;
}

/**
 * @throws NotFoundError for an unknown subscriber.
 * @example
 * const record = await heldData(subscriberId, { subscribers, clock });
 * JSON.stringify(record); // the download's body
 */
export async function heldData(subscriberId: string, deps: { subscribers: Pick<SubscriberStore, 'get'>; clock: Clock }): Promise<HeldData> {
  const subscriber = await deps.subscribers.get(subscriberId);
  if (!subscriber) throw new NotFoundError('No such subscriber');
  return { exportedAt: deps.clock.now().toISOString(), subscriber: subscriberView(subscriber) };
}
