import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  maskEmail, parsePreferencesForm, readPreferences, signPreferencesToken, updatePreferences, type PreferencesDeps,
} from '../../functions/domain/subscriber/preferences';
import { readUnsubscribeToken, unsubscribe, unsubscribeAll } from '../../functions/domain/subscriber/unsubscribe';
import { parseKeyring, signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { InvalidTokenError, ValidationError } from '../../functions/domain/errors';
import { FakeClock, MemoryListStore, MemorySubscriberStore } from '../helpers/fakes';

describe('preference centre', () => {
  let subscribers: MemorySubscriberStore;
  let deps: PreferencesDeps;
  let readerId: string;
  let token: string;
  const statuses = async (id = readerId) =>
    Object.fromEntries((await subscribers.get(id))!.memberships.map((m) => [m.listId, m.status]));

  beforeEach(async () => {
    subscribers = new MemorySubscriberStore();
    const lists = new MemoryListStore([
      { id: 'blog', name: 'Blog' },
      { id: 'press-releases', name: 'Press Releases', description: 'Statements and announcements' },
      { id: 'insiders', name: 'Insiders', public: false },
      { id: 'old', name: 'Old news', archived: true },
    ]);
    deps = { subscribers, lists, clock: new FakeClock(), keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`) };
    const { subscriber } = await subscribers.addConfirmed('reader@example.com', ['blog', 'old'], deps.clock.now());
    readerId = subscriber.id;
    token = signPreferencesToken(readerId, deps.keyring);
  });

  it('given a preferences link, shows the masked address and every public list ticked as confirmed', async () => {
    const view = await readPreferences(token, deps);
    expect(view).toEqual({
      maskedEmail: 'r•••@example.com',
      suppressed: false,
      lists: [
        { id: 'blog', name: 'Blog', subscribed: true, pending: false, joinable: true },
        { id: 'press-releases', name: 'Press Releases', description: 'Statements and announcements', subscribed: false, pending: false, joinable: true },
      ],
    });
  });

  it('when the form ticks another list and unticks one, joins it confirmed and leaves the other', async () => {
    const update = await updatePreferences(token, { action: 'save', lists: ['press-releases'] }, deps);
    expect(update).toMatchObject({ joined: ['press-releases'], left: ['blog'], refused: [] });
    // The archived list was not on the page, so not ticking it leaves it alone.
    expect(await statuses()).toEqual({ blog: 'unsubscribed', old: 'confirmed', 'press-releases': 'confirmed' });
    expect(update.view.lists.map((l) => [l.id, l.subscribed])).toEqual([['blog', false], ['press-releases', true]]);
  });

  it('saving the same form twice changes nothing the second time', async () => {
    await updatePreferences(token, { action: 'save', lists: ['blog', 'press-releases'] }, deps);
    const again = await updatePreferences(token, { action: 'save', lists: ['blog', 'press-releases'] }, deps);
    expect(again).toMatchObject({ joined: [], left: [] });
  });

  it('a pending sign-up is confirmed by ticking it here', async () => {
    await subscribers.addPending('reader@example.com', ['press-releases'], undefined, deps.clock.now());
    expect((await readPreferences(token, deps)).lists[1]).toMatchObject({ id: 'press-releases', pending: true, subscribed: false });
    await updatePreferences(token, { action: 'save', lists: ['blog', 'press-releases'] }, deps);
    expect(await statuses()).toMatchObject({ 'press-releases': 'confirmed' });
  });

  it('leave-all unsubscribes every membership, archived and pending ones included', async () => {
    await subscribers.addPending('reader@example.com', ['press-releases'], undefined, deps.clock.now());
    const update = await updatePreferences(token, { action: 'unsubscribe-all', lists: ['blog'] }, deps);
    expect(update.left.sort()).toEqual(['blog', 'old', 'press-releases']);
    expect(await statuses()).toEqual({ blog: 'unsubscribed', old: 'unsubscribed', 'press-releases': 'unsubscribed' });
  });

  it('a private list shows while they are on it, can be left, and cannot be joined from here', async () => {
    await subscribers.setMemberships(readerId, [{ listId: 'insiders', status: 'confirmed' }], deps.clock.now());
    expect((await readPreferences(token, deps)).lists.at(-1)).toEqual({ id: 'insiders', name: 'Insiders', subscribed: true, pending: false, joinable: false });
    await updatePreferences(token, { action: 'save', lists: ['blog'] }, deps);
    expect(await statuses()).toMatchObject({ insiders: 'unsubscribed' });
    expect((await readPreferences(token, deps)).lists.map((l) => l.id)).toEqual(['blog', 'press-releases']);

    const forged = await updatePreferences(token, { action: 'save', lists: ['blog', 'insiders', 'old', 'no-such-list'] }, deps);
    expect(forged).toMatchObject({ joined: [], left: [], refused: ['insiders', 'no-such-list'] }); // 'old' is archived, and they are still on it
    expect(await statuses()).toMatchObject({ insiders: 'unsubscribed' });
  });

  it('a suppressed address sees only its own lists, can leave them, and cannot join any', async () => {
    await subscribers.suppress(readerId, 'permanent-bounce', deps.clock.now());
    const view = await readPreferences(token, deps);
    expect(view.suppressed).toBe(true);
    expect(view.lists).toEqual([{ id: 'blog', name: 'Blog', subscribed: true, pending: false, joinable: false }]);

    const update = await updatePreferences(token, { action: 'save', lists: ['press-releases'] }, deps);
    expect(update).toMatchObject({ joined: [], left: ['blog'], refused: ['press-releases'] });
    expect(await statuses()).toEqual({ blog: 'unsubscribed', old: 'confirmed' });
  });

  it('refuses tokens minted for another purpose, tampered tokens, and links of an erased subscriber', async () => {
    const unsubscribeToken = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: readerId, listId: 'blog' }, deps.keyring);
    const confirmToken = signToken({ purpose: TokenPurpose.Confirm, subscriberId: readerId, lists: ['blog'] }, deps.keyring);
    const tampered = token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA');
    for (const bad of [unsubscribeToken, confirmToken, tampered, 'not-a-token']) {
      await expect(readPreferences(bad, deps)).rejects.toBeInstanceOf(InvalidTokenError);
      await expect(updatePreferences(bad, { action: 'unsubscribe-all', lists: [] }, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    }
    // And the other way round: a preferences token does not unsubscribe.
    await expect(unsubscribe(token, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(unsubscribeAll(token, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await statuses()).toEqual({ blog: 'confirmed', old: 'confirmed' });

    await subscribers.erase(readerId);
    await expect(readPreferences(token, deps)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('parses the form, repeated lists fields and both actions', () => {
    expect(parsePreferencesForm(new URLSearchParams('lists=blog&lists=press-releases&lists=blog&action=save'))).toEqual({ action: 'save', lists: ['blog', 'press-releases'] });
    expect(parsePreferencesForm(new URLSearchParams('action=unsubscribe-all'))).toEqual({ action: 'unsubscribe-all', lists: [] });
    expect(() => parsePreferencesForm(new URLSearchParams('action=delete-everything'))).toThrow(ValidationError);
  });

  it('masks the local part but keeps the domain, so the reader can tell which inbox it is', () => {
    expect(maskEmail('Reader.Name@example.com')).toBe('R•••@example.com');
    expect(maskEmail('a@example.org')).toBe('a•••@example.org');
  });
});

describe('unsubscribe from all lists', () => {
  it('leaves every list from an unsubscribe link, and hands back a preferences token for the same subscriber', async () => {
    const subscribers = new MemorySubscriberStore();
    const deps = { subscribers, clock: new FakeClock(), keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`) };
    const { subscriber } = await subscribers.addConfirmed('both@example.com', ['blog', 'press-releases'], deps.clock.now());
    const token = signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: subscriber.id, listId: 'blog' }, deps.keyring);

    const link = await readUnsubscribeToken(token, deps);
    const lists = new MemoryListStore([{ id: 'blog' }, { id: 'press-releases' }]);
    expect((await readPreferences(link.preferencesToken, { ...deps, lists })).maskedEmail).toBe('b•••@example.com');

    expect((await unsubscribeAll(token, deps)).left).toEqual(['blog', 'press-releases']);
    expect((await subscribers.get(subscriber.id))!.memberships.map((m) => m.status)).toEqual(['unsubscribed', 'unsubscribed']);
    expect((await unsubscribeAll(token, deps)).left).toEqual([]);
  });
});
