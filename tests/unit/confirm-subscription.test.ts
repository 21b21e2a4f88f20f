import { describe, expect, it } from 'vitest';
import { confirmSubscription, readConfirmation } from '../../functions/domain/subscriber/confirm-subscription';
import { InvalidTokenError } from '../../functions/domain/errors';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { confirmTokenIn, signUp, signupDeps } from '../helpers/signup-deps';

const DAY = 24 * 3600 * 1000;

/** Given a sign-up for blog and press-releases, the token from its confirmation email. */
async function signedUp(deps = signupDeps(), email = 'ada@example.org') {
  await signUp({ email, lists: ['blog', 'press-releases'], clientIp: '192.0.2.1' }, deps);
  const token = await confirmTokenIn(deps.mailer.sent.at(-1)!.raw);
  const subscriber = (await deps.subscribers.findByEmail(email))!;
  return { deps, token, subscriber };
}

const statuses = async (deps: ReturnType<typeof signupDeps>, id: string) =>
  (await deps.subscribers.get(id))!.memberships.map((m) => [m.listId, m.status]);

describe('confirming a sign-up', () => {
  it('reading the link names the lists and changes nothing (mail scanners fetch links)', async () => {
    const { deps, token, subscriber } = await signedUp();
    expect(await readConfirmation(token, deps)).toEqual({
      lists: [{ id: 'blog', name: 'Blog' }, { id: 'press-releases', name: 'Press Releases' }],
      language: undefined,
    });
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
  });

  it('confirming makes the lists confirmed, so the subscriber becomes a member the fan-out reads; a second click changes nothing', async () => {
    const { deps, token, subscriber } = await signedUp();
    expect((await deps.subscribers.pageConfirmedMembers('blog', undefined, 10)).subscriberIds).toEqual([]);

    await confirmSubscription(token, deps);
    await confirmSubscription(token, deps);

    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'confirmed'], ['press-releases', 'confirmed']]);
    expect((await deps.subscribers.pageConfirmedMembers('blog', undefined, 10)).subscriberIds).toEqual([subscriber.id]);
  });

  it('confirming lifts a suppression and forgets the blocklisted address: the fresh opt-in is the way back', async () => {
    const deps = signupDeps();
    const { subscriber: before } = await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.suppress(before.id, SuppressionReason.PermanentBounce, deps.clock.now());
    await deps.blocklist.block('ada@example.org');
    const { token, subscriber } = await signedUp(deps);
    expect((await deps.subscribers.pageConfirmedMembers('blog', undefined, 10)).subscriberIds).toEqual([]);

    await confirmSubscription(token, deps);

    const after = (await deps.subscribers.get(subscriber.id))!;
    expect(after.suppressedAt).toBeUndefined();
    expect(after.suppressionReason).toBeUndefined();
    expect(await deps.blocklist.isBlocked('ada@example.org')).toBe(false);
    expect((await deps.subscribers.pageConfirmedMembers('blog', undefined, 10)).subscriberIds).toEqual([subscriber.id]);
  });

  it('a list archived since the sign-up is left out', async () => {
    const { deps, token, subscriber } = await signedUp();
    await deps.lists.update('press-releases', { archived: true }, deps.clock.now());
    expect((await confirmSubscription(token, deps)).lists).toEqual([{ id: 'blog', name: 'Blog' }]);
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'confirmed'], ['press-releases', 'pending']]);
  });

  it.each([
    ['tampered', (token: string) => token.slice(0, -2) + (token.endsWith('AA') ? 'BB' : 'AA')],
    ['malformed', () => 'not-a-token'],
    ['expired (8 days later)', (token: string, deps: ReturnType<typeof signupDeps>) => (deps.clock.advance(8 * DAY), token)],
    ['an unsubscribe token', (_: string, deps: ReturnType<typeof signupDeps>, id: string) =>
      signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: id, listId: 'blog' }, deps.keyring)],
    ['a preferences token', (_: string, deps: ReturnType<typeof signupDeps>, id: string) =>
      signToken({ purpose: TokenPurpose.Preferences, subscriberId: id }, deps.keyring)],
    ['signed with an expiry in the past', (_: string, deps: ReturnType<typeof signupDeps>, id: string) =>
      signToken({ purpose: TokenPurpose.Confirm, subscriberId: id, lists: ['blog'], expiresAt: deps.clock.now().getTime() / 1000 - 1 }, deps.keyring)],
  ])('a %s token is refused with InvalidTokenError on read and confirm, and nothing changes', async (_name, mangle) => {
    const { deps, token, subscriber } = await signedUp();
    const bad = mangle(token, deps, subscriber.id);
    await expect(readConfirmation(bad, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(confirmSubscription(bad, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
  });

  it('a valid token whose subscriber was erased is refused the same way', async () => {
    const { deps, token, subscriber } = await signedUp();
    await deps.subscribers.erase(subscriber.id);
    await expect(readConfirmation(token, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(confirmSubscription(token, deps)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('still works on day 6', async () => {
    const { deps, token, subscriber } = await signedUp();
    deps.clock.advance(6 * DAY);
    await confirmSubscription(token, deps);
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'confirmed'], ['press-releases', 'confirmed']]);
  });

  it('a link signed before links carried their signing time is dated by its expiry: an unsubscribe after it spends the link', async () => {
    const deps = signupDeps();
    const { subscriber } = await deps.subscribers.addPending('old@example.org', ['blog'], undefined, deps.clock.now());
    const expiresAt = Math.floor((deps.clock.now().getTime() + 7 * DAY) / 1000);
    const legacy = signToken({ purpose: TokenPurpose.Confirm, subscriberId: subscriber.id, lists: ['blog'], expiresAt }, deps.keyring);
    deps.clock.advance(60_000);
    await deps.subscribers.unsubscribe(subscriber.id, 'blog', deps.clock.now());
    deps.clock.advance(60_000);
    await expect(confirmSubscription(legacy, deps)).rejects.toBeInstanceOf(InvalidTokenError);
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'unsubscribed']]);
  });

  it('a link keeps the lists not left since it was sent, and confirms only those', async () => {
    const { deps, token, subscriber } = await signedUp();
    deps.clock.advance(60_000);
    await deps.subscribers.unsubscribe(subscriber.id, 'blog', deps.clock.now());
    expect((await readConfirmation(token, deps)).lists).toEqual([{ id: 'press-releases', name: 'Press Releases' }]);
    await confirmSubscription(token, deps);
    expect(await statuses(deps, subscriber.id)).toEqual([['blog', 'unsubscribed'], ['press-releases', 'confirmed']]);
  });
});
