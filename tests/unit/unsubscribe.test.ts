import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyring, signToken, verifyToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { listsToLeave, readUnsubscribeToken, signUnsubscribeToken, unsubscribe, unsubscribeAll } from '../../functions/domain/subscriber/unsubscribe';
import { ConsentEventType } from '../../functions/domain/subscriber/consent';
import { MembershipStatus } from '../../functions/domain/subscriber/subscriber';
import { FakeClock, MemoryDeliveryStore, MemorySubscriberStore } from '../helpers/fakes';

/**
 * An email's unsubscribe link leaves the lists that brought that email: the claim logic of the
 * token, and what one click changes and records, over in-memory stores.
 */
const keyring = parseKeyring(`k1:${randomBytes(32).toString('base64')}`);

describe('unsubscribe tokens name the lists that brought the email', () => {
  it('a single-list link carries no list of lists, and is no longer than a link that names only its list', () => {
    const token = signUnsubscribeToken({ subscriberId: 'sub-1', releaseId: 'rel-1', lists: ['blog'] }, keyring);
    const claims = verifyToken(token, TokenPurpose.Unsubscribe, keyring, new Date());
    expect(claims).toMatchObject({ subscriberId: 'sub-1', listId: 'blog', releaseId: 'rel-1' });
    expect(claims.lists).toBeUndefined();
    const listOnly = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: 'sub-1', listId: 'blog', releaseId: 'rel-1' }, keyring);
    expect(token.length).toBe(listOnly.length);
    expect(listsToLeave(claims)).toEqual(['blog']);
  });

  it('a link from an email that two lists brought names both, the first also as its one list', () => {
    const token = signUnsubscribeToken({ subscriberId: 'sub-1', releaseId: 'rel-1', lists: ['blog', 'press-releases'] }, keyring);
    const claims = verifyToken(token, TokenPurpose.Unsubscribe, keyring, new Date());
    expect(claims.listId).toBe('blog');
    expect(claims.lists).toEqual(['blog', 'press-releases']);
    expect(listsToLeave(claims)).toEqual(['blog', 'press-releases']);
  });

  it('a link signed before links named several lists (list only, no release) still leaves its list', () => {
    const old = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: 'sub-1', listId: 'press-releases' }, keyring);
    expect(listsToLeave(verifyToken(old, TokenPurpose.Unsubscribe, keyring, new Date()))).toEqual(['press-releases']);
  });

  it('names each list once, its one list first, whatever order the claims hold them in', () => {
    expect(listsToLeave({ listId: 'blog', lists: ['press-releases', 'blog', 'press-releases'] })).toEqual(['blog', 'press-releases']);
  });

  it('refuses to sign a link that leaves no list', () => {
    expect(() => signUnsubscribeToken({ subscriberId: 'sub-1', releaseId: 'rel-1', lists: [] }, keyring)).toThrow(/at least one list/);
  });
});

describe('one click on an unsubscribe link', () => {
  async function given(lists: string[]) {
    const subscribers = new MemorySubscriberStore();
    const deliveries = new MemoryDeliveryStore();
    const clock = new FakeClock(new Date('2026-12-01T10:00:00.000Z'));
    const { subscriber } = await subscribers.addConfirmed('ada@example.org', lists, new Date('2026-11-01T00:00:00.000Z'));
    // The delivery of the release that carried the link, so that the click can be noted on it.
    await deliveries.claim('rel-1', subscriber.id, lists[0], clock.now(), 60_000, lists[0]);
    await deliveries.markSent('rel-1', subscriber.id, 'ses-1', clock.now());
    return { subscriber, deps: { subscribers, deliveries, clock, keyring } };
  }
  const statuses = async (deps: Awaited<ReturnType<typeof given>>['deps'], id: string) =>
    Object.fromEntries((await deps.subscribers.get(id))!.memberships.map((m) => [m.listId, m.status]));

  it('leaves every list the link names, records one event naming each once, and notes it on the delivery once', async () => {
    const { subscriber, deps } = await given(['blog', 'press-releases', 'events']);
    const token = signUnsubscribeToken({ subscriberId: subscriber.id, releaseId: 'rel-1', lists: ['blog', 'press-releases'] }, keyring);

    const first = await unsubscribe(token, deps);
    expect(first.left).toEqual(['blog', 'press-releases']);
    expect(first.listIds).toEqual(['blog', 'press-releases']);
    // A list the email did not come through is kept: the preference centre is for that.
    expect(await statuses(deps, subscriber.id)).toEqual({ blog: 'unsubscribed', 'press-releases': 'unsubscribed', events: 'confirmed' });
    const counts = await deps.subscribers.memberCounts(['blog', 'press-releases', 'events']);
    expect(counts.get('blog')!.confirmed).toBe(0);
    expect(counts.get('press-releases')!.confirmed).toBe(0);
    expect(counts.get('events')!.confirmed).toBe(1);

    const second = await unsubscribe(token, deps);
    expect(second.left).toEqual([]);
    const events = deps.subscribers.consent.get(subscriber.id) ?? [];
    const unsubscribed = events.filter((e) => e.type === ConsentEventType.Unsubscribed);
    expect(unsubscribed).toHaveLength(1);
    expect(unsubscribed[0].lists).toEqual(['blog', 'press-releases']);
    expect((await deps.deliveries.getMany('rel-1', [subscriber.id])).get(subscriber.id)?.unsubscribedAt).toBe('2026-12-01T10:00:00.000Z');
  });

  it('records only the lists still to leave when the reader left one of them already', async () => {
    const { subscriber, deps } = await given(['blog', 'press-releases']);
    await deps.subscribers.unsubscribe(subscriber.id, 'blog', deps.clock.now());
    const token = signUnsubscribeToken({ subscriberId: subscriber.id, releaseId: 'rel-1', lists: ['blog', 'press-releases'] }, keyring);
    expect((await unsubscribe(token, deps)).left).toEqual(['press-releases']);
    const [event] = (deps.subscribers.consent.get(subscriber.id) ?? []).filter((e) => e.type === ConsentEventType.Unsubscribed);
    expect(event.lists).toEqual(['press-releases']);
  });

  it('an old list-only link leaves that list alone', async () => {
    const { subscriber, deps } = await given(['blog', 'press-releases']);
    const old = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId: 'press-releases' }, keyring);
    expect((await readUnsubscribeToken(old, deps)).listIds).toEqual(['press-releases']);
    await unsubscribe(old, deps);
    expect(await statuses(deps, subscriber.id)).toEqual({ blog: MembershipStatus.Confirmed, 'press-releases': MembershipStatus.Unsubscribed });
  });

  it('the page\'s "all lists" still leaves every list, not only the link\'s', async () => {
    const { subscriber, deps } = await given(['blog', 'press-releases', 'events']);
    const token = signUnsubscribeToken({ subscriberId: subscriber.id, releaseId: 'rel-1', lists: ['blog'] }, keyring);
    expect((await unsubscribeAll(token, deps)).left.sort()).toEqual(['blog', 'events', 'press-releases']);
  });
});
