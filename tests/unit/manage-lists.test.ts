import { beforeEach, describe, expect, it } from 'vitest';
import { createList, describeList, ListExistsError, listLists, updateList } from '../../functions/domain/lists/manage-lists';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { recountMembers } from '../../functions/domain/lists/recount-members';
import { FakeClock, MemoryListStore, MemorySubscriberStore } from '../helpers/fakes';

describe('managing lists', () => {
  let deps: { lists: MemoryListStore; subscribers: MemorySubscriberStore; clock: FakeClock };

  beforeEach(() => {
    deps = { lists: new MemoryListStore([{ id: 'blog', name: 'Blog' }]), subscribers: new MemorySubscriberStore(), clock: new FakeClock() };
  });

  it('creates a list, private unless said otherwise, and refuses a taken id', async () => {
    const list = await createList({ id: 'events', name: ' Events ', description: 'What is on' }, deps);
    expect(list).toEqual({
      id: 'events', name: 'Events', description: 'What is on', public: false, archived: false,
      createdAt: '2026-11-29T12:00:00.000Z', updatedAt: '2026-11-29T12:00:00.000Z',
    });
    await expect(createList({ id: 'blog', name: 'Again' }, deps)).rejects.toBeInstanceOf(ListExistsError);
  });

  it('names each bad field of a new list', async () => {
    const error = await createList({ id: 'Bad Id', name: 'x\ny', extra: 1 }, deps).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field).sort()).toEqual(['(body)', 'id', 'name']);
  });

  it('refuses the id "all", which names the feed of every release', async () => {
    const error = await createList({ id: 'all', name: 'All' }, deps).catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([{ field: 'id', message: '"all" is reserved for the feed of all releases' }]);
  });

  it('counts confirmed, pending, unsubscribed and suppressed members; a suppressed confirmed member counts only as suppressed', async () => {
    const now = deps.clock.now();
    await deps.subscribers.addConfirmed('a@example.org', ['blog'], now);
    await deps.subscribers.addConfirmed('b@example.org', ['blog'], now);
    const { subscriber: c } = await deps.subscribers.addConfirmed('c@example.org', ['blog'], now);
    const { subscriber: d } = await deps.subscribers.addConfirmed('d@example.org', ['blog'], now);
    await deps.subscribers.addPending('e@example.org', ['blog'], undefined, now);
    await deps.subscribers.suppress(c.id, 'complaint', now);
    await deps.subscribers.unsubscribe(d.id, 'blog', now);

    const described = await describeList('blog', deps);
    expect(described).toMatchObject({ id: 'blog', name: 'Blog', counts: { confirmed: 2, pending: 1, unsubscribed: 1, suppressed: 1 } });
    expect(await listLists(deps)).toEqual([described]);
  });

  it('renames, makes public or private and archives a list; an unknown list is not found', async () => {
    deps.clock.advance(60_000);
    const renamed = await updateList('blog', { name: 'The Blog', public: false, archived: true }, deps);
    expect(renamed).toMatchObject({ name: 'The Blog', public: false, archived: true, updatedAt: '2026-11-29T12:01:00.000Z' });
    expect(await updateList('blog', { archived: false }, deps)).toMatchObject({ archived: false, name: 'The Blog' });
    await expect(updateList('nope', { name: 'x' }, deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(describeList('nope', deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateList('blog', { id: 'other' }, deps)).rejects.toBeInstanceOf(ValidationError);
  });

  it('answers from the maintained counts: it pages no membership', async () => {
    await deps.subscribers.addConfirmed('a@example.org', ['blog'], deps.clock.now());
    deps.subscribers.pageMembers = () => Promise.reject(new Error('paged'));
    expect((await listLists(deps))[0].counts).toEqual({ confirmed: 1, pending: 0, unsubscribed: 0, suppressed: 0 });
    expect((await describeList('blog', deps)).counts.confirmed).toBe(1);
  });

  it('recounts a list: pages its members once and adds what the maintained counts lack', async () => {
    const now = deps.clock.now();
    await deps.subscribers.addConfirmed('a@example.org', ['blog'], now);
    await deps.subscribers.addPending('b@example.org', ['blog'], undefined, now);
    // A crash between a membership write and its counter write, twice over.
    await deps.subscribers.adjustMemberCounts('blog', { confirmed: 3, unsubscribed: -1 });
    expect((await describeList('blog', deps)).counts).toEqual({ confirmed: 4, pending: 1, unsubscribed: -1, suppressed: 0 });

    const outcome = await recountMembers('blog', {}, deps);
    expect(outcome).toMatchObject({ done: true, corrected: { confirmed: -3, unsubscribed: 1 }, list: { id: 'blog', counts: { confirmed: 1, pending: 1, unsubscribed: 0, suppressed: 0 } } });
    expect((await describeList('blog', deps)).counts).toEqual({ confirmed: 1, pending: 1, unsubscribed: 0, suppressed: 0 });
    expect(await recountMembers('blog', {}, deps)).toMatchObject({ done: true, corrected: {} });
    await expect(recountMembers('nope', {}, deps)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('recounts a list too large for one call in several, each resuming where the last stopped', async () => {
    for (let i = 0; i < 1203; i++) await deps.subscribers.addConfirmed(`m${i}@example.org`, ['blog'], deps.clock.now());
    await deps.subscribers.adjustMemberCounts('blog', { confirmed: -1200 });
    // No time budget: each call pages one page (500 members) and hands back where it stopped.
    const calls = [await recountMembers('blog', {}, deps, 0)];
    while (!calls.at(-1)!.done) calls.push(await recountMembers('blog', { continue: (calls.at(-1) as { continue: string }).continue }, deps, 0));
    expect(calls.map((c) => (c.done ? 'done' : c.paged))).toEqual([500, 1000, 'done']);
    expect(calls.at(-1)).toMatchObject({ done: true, corrected: { confirmed: 1200 }, list: { counts: { confirmed: 1203 } } });

    const first = calls[0] as { continue: string };
    await expect(recountMembers('other', { continue: first.continue }, { ...deps, lists: new MemoryListStore([{ id: 'other' }]) })).rejects.toBeInstanceOf(ValidationError);
    await expect(recountMembers('blog', { continue: 'not-a-token' }, deps)).rejects.toBeInstanceOf(ValidationError);
    await expect(recountMembers('blog', { continue: 7 }, deps)).rejects.toBeInstanceOf(ValidationError);
  });
});
