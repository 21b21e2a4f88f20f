import { beforeEach, describe, expect, it } from 'vitest';
import { eraseConfirmedSubscriber, subscriberById } from '../../functions/domain/subscriber/manage-subscribers';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { FakeClock, MemoryBlocklist, MemorySubscriberStore } from '../helpers/fakes';

describe('erasing after the address is typed, and a subscriber by id', () => {
  let deps: { subscribers: MemorySubscriberStore; blocklist: MemoryBlocklist; clock: FakeClock };

  beforeEach(() => {
    deps = { subscribers: new MemorySubscriberStore(), blocklist: new MemoryBlocklist(), clock: new FakeClock() };
  });

  it('refuses a different address and erases nothing; the same address, as stored, erases', async () => {
    const { subscriber } = await deps.subscribers.addConfirmed('Reader@example.org', ['blog'], deps.clock.now());
    for (const typed of ['reader@example.org', 'Reader@example.com', '', 'not an address']) {
      const error = (await eraseConfirmedSubscriber(subscriber.id, typed, deps).catch((e: unknown) => e)) as ValidationError;
      expect(error, typed).toBeInstanceOf(ValidationError);
      expect(error.issues[0].field).toBe('confirm');
    }
    expect(await deps.subscribers.get(subscriber.id)).toBeDefined();
    // White space around it and the domain's case are not differences: addresses are stored so.
    const erased = await eraseConfirmedSubscriber(subscriber.id, '  Reader@EXAMPLE.org ', deps);
    expect(erased).toMatchObject({ erased: true, suppressionKept: false });
    expect(await deps.subscribers.get(subscriber.id)).toBeUndefined();
    await expect(eraseConfirmedSubscriber(subscriber.id, 'Reader@example.org', deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers the profile, memberships and suppression by id', async () => {
    const { subscriber } = await deps.subscribers.addConfirmed('held@example.org', ['blog', 'events'], deps.clock.now());
    await deps.subscribers.suppress(subscriber.id, 'complaint', deps.clock.now());
    expect(await subscriberById(subscriber.id, deps)).toEqual({
      id: subscriber.id,
      email: 'held@example.org',
      createdAt: deps.clock.now().toISOString(),
      suppression: { at: deps.clock.now().toISOString(), reason: 'complaint' },
      memberships: [
        { listId: 'blog', status: 'confirmed', changedAt: deps.clock.now().toISOString() },
        { listId: 'events', status: 'confirmed', changedAt: deps.clock.now().toISOString() },
      ],
    });
    await expect(subscriberById('sub-none', deps)).rejects.toBeInstanceOf(NotFoundError);
  });
});
