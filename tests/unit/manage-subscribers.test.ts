import { beforeEach, describe, expect, it } from 'vitest';
import {
  changeSubscriberLists, eraseSubscriber, lookupSubscriber, SubscriberSuppressedError,
} from '../../functions/domain/subscriber/manage-subscribers';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { FakeClock, MemoryBlocklist, MemoryListStore, MemorySubscriberStore } from '../helpers/fakes';

describe('managing subscribers', () => {
  let deps: { lists: MemoryListStore; subscribers: MemorySubscriberStore; blocklist: MemoryBlocklist; clock: FakeClock };

  beforeEach(() => {
    deps = {
      lists: new MemoryListStore([{ id: 'blog' }, { id: 'events' }, { id: 'old', archived: true }]),
      subscribers: new MemorySubscriberStore(),
      blocklist: new MemoryBlocklist(),
      clock: new FakeClock(),
    };
  });

  it('looks a subscriber up by address, with memberships, suppression and dates', async () => {
    await deps.subscribers.addConfirmed('Reader@example.org', ['blog'], deps.clock.now());
    const found = await lookupSubscriber(' reader@EXAMPLE.org ', deps);
    expect(found).toEqual({
      id: 'sub-1', email: 'Reader@example.org', createdAt: '2026-11-29T12:00:00.000Z', suppression: null,
      memberships: [{ listId: 'blog', status: 'confirmed', changedAt: '2026-11-29T12:00:00.000Z' }],
    });
    await expect(lookupSubscriber('nobody@example.org', deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(lookupSubscriber('not an address', deps)).rejects.toBeInstanceOf(ValidationError);
  });

  it('adds lists as confirmed and removes lists as unsubscribed', async () => {
    const { subscriber } = await deps.subscribers.addConfirmed('a@example.org', ['blog'], deps.clock.now());
    const changed = await changeSubscriberLists(subscriber.id, { lists: { add: ['events'], remove: ['blog'] } }, deps);
    expect(changed.memberships.map((m) => [m.listId, m.status])).toEqual([['blog', 'unsubscribed'], ['events', 'confirmed']]);
  });

  it('names unknown and archived lists in a 400 and changes nothing', async () => {
    const { subscriber } = await deps.subscribers.addConfirmed('a@example.org', ['blog'], deps.clock.now());
    const error = (await changeSubscriberLists(subscriber.id, { lists: { add: ['events', 'nope', 'old'], remove: ['gone'] } }, deps).catch(
      (e: unknown) => e,
    )) as ValidationError;
    expect(error.issues).toEqual([
      { field: 'lists.add.1', message: 'unknown list "nope"' },
      { field: 'lists.add.2', message: 'list "old" is archived and takes no new members' },
      { field: 'lists.remove.0', message: 'unknown list "gone"' },
    ]);
    expect((await deps.subscribers.get(subscriber.id))!.memberships).toHaveLength(1);
  });

  it('refuses to add lists to a suppressed subscriber, but lets them leave lists', async () => {
    const { subscriber } = await deps.subscribers.addConfirmed('a@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.suppress(subscriber.id, 'permanent-bounce', deps.clock.now());
    await expect(changeSubscriberLists(subscriber.id, { lists: { add: ['events'] } }, deps)).rejects.toBeInstanceOf(SubscriberSuppressedError);
    const left = await changeSubscriberLists(subscriber.id, { lists: { remove: ['blog'] } }, deps);
    expect(left).toMatchObject({ suppression: { reason: 'permanent-bounce' }, memberships: [{ listId: 'blog', status: 'unsubscribed' }] });
  });

  it('erases a suppressed subscriber but keeps the address blocked; an ordinary one leaves nothing behind', async () => {
    const { subscriber: bounced } = await deps.subscribers.addConfirmed('bounced@example.org', ['blog'], deps.clock.now());
    const { subscriber: reader } = await deps.subscribers.addConfirmed('reader@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.suppress(bounced.id, 'permanent-bounce', deps.clock.now());

    expect(await eraseSubscriber(bounced.id, deps)).toMatchObject({ erased: true, suppressionKept: true });
    expect(await eraseSubscriber(reader.id, deps)).toMatchObject({ erased: true, suppressionKept: false });
    expect(deps.subscribers.subscribers.size).toBe(0);
    expect([...deps.blocklist.blocked]).toEqual(['bounced@example.org']);
    await expect(lookupSubscriber('bounced@example.org', deps)).rejects.toThrow(/erased and stays suppressed/);
    await expect(eraseSubscriber(reader.id, deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});
