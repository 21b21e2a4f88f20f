import { describe, expect, it } from 'vitest';
import { isTrapFilled, requestSubscription, SIGNUPS_PER_IP } from '../../functions/domain/subscriber/subscribe';
import { RateLimitedError } from '../../functions/domain/subscriber/errors';
import { ValidationError } from '../../functions/domain/errors';
import { verifyToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { signupDeps, confirmTokenIn } from '../helpers/signup-deps';

const MINUTE = 60_000;
const ip = '192.0.2.10';

describe('requestSubscription (double opt-in sign-up)', () => {
  it('given a new address, stores pending memberships and sends one confirmation email with a 7-day token for those lists', async () => {
    const deps = signupDeps();
    const outcome = await requestSubscription({ email: '  Ada@Example.ORG ', lists: ['blog', 'press-releases'], language: 'es', clientIp: ip }, deps);

    expect(outcome).toBe('sent');
    const subscriber = (await deps.subscribers.findByEmail('Ada@example.org'))!;
    expect(subscriber.email).toBe('Ada@example.org');
    expect(subscriber.language).toBe('es');
    expect(subscriber.memberships.map((m) => [m.listId, m.status])).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
    expect(deps.mailer.sent).toHaveLength(1);
    expect(deps.mailer.sent[0]).toMatchObject({ to: 'Ada@example.org', from: 'news@example.org', tags: { kind: 'confirmation', subscriber: subscriber.id } });
    expect(deps.systemEmails.rendered).toEqual([
      { lists: ['Blog', 'Press Releases'], confirmUrl: expect.stringMatching(/^https:\/\/news\.example\.org\/confirm\//), language: 'es' },
    ]);
    const claims = verifyToken(await confirmTokenIn(deps.mailer.sent[0].raw), TokenPurpose.Confirm, deps.keyring, deps.clock.now());
    expect(claims).toMatchObject({ subscriberId: subscriber.id, lists: ['blog', 'press-releases'] });
    expect(claims.expiresAt).toBe(deps.clock.now().getTime() / 1000 + 7 * 24 * 3600);
  });

  it.each([
    ['new', async () => undefined],
    ['pending', async (d: ReturnType<typeof signupDeps>) => void (await d.subscribers.addPending('ada@example.org', ['blog'], undefined, new Date('2026-11-01')))],
    ['confirmed', async (d: ReturnType<typeof signupDeps>) => void (await d.subscribers.addConfirmed('ada@example.org', ['blog'], new Date('2026-11-01')))],
    ['unsubscribed', async (d: ReturnType<typeof signupDeps>) => {
      const { subscriber } = await d.subscribers.addConfirmed('ada@example.org', ['blog'], new Date('2026-11-01'));
      await d.subscribers.unsubscribe(subscriber.id, 'blog', new Date('2026-11-02'));
    }],
    ['suppressed', async (d: ReturnType<typeof signupDeps>) => {
      const { subscriber } = await d.subscribers.addConfirmed('ada@example.org', ['blog'], new Date('2026-11-01'));
      await d.subscribers.suppress(subscriber.id, SuppressionReason.Complaint, new Date('2026-11-02'));
    }],
  ])('given a %s address, the call resolves the same way (no error, nothing revealed)', async (_state, arrange) => {
    const deps = signupDeps();
    await arrange(deps);
    await expect(requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).resolves.toMatch(/^(sent|already-confirmed)$/);
  });

  it('an address already confirmed on every list gets no email; a suppressed one gets the fresh opt-in', async () => {
    const deps = signupDeps();
    await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    const { subscriber: grace } = await deps.subscribers.addConfirmed('grace@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.suppress(grace.id, SuppressionReason.PermanentBounce, deps.clock.now());

    expect(await requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('already-confirmed');
    expect(await requestSubscription({ email: 'grace@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('sent');
    expect(deps.mailer.sent.map((m) => m.to)).toEqual(['grace@example.org']);
  });

  it('a confirmed subscriber asking for one more list gets a token for the new list only', async () => {
    const deps = signupDeps();
    await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    await requestSubscription({ email: 'ada@example.org', lists: ['blog', 'press-releases'], clientIp: ip }, deps);
    expect(deps.systemEmails.rendered.map((r) => r.lists)).toEqual([['Press Releases']]);
    const ada = await deps.subscribers.findByEmail('ada@example.org');
    expect(ada!.memberships.map((m) => [m.listId, m.status])).toEqual([['blog', 'confirmed'], ['press-releases', 'pending']]);
  });

  it('sends at most one confirmation email per address per 10 minutes, silently', async () => {
    const deps = signupDeps();
    const signUp = () => requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps);
    expect(await signUp()).toBe('sent');
    deps.clock.advance(9 * MINUTE);
    expect(await signUp()).toBe('rate-limited');
    expect(await requestSubscription({ email: 'ADA@EXAMPLE.org', lists: ['press-releases'], clientIp: '198.51.100.1' }, deps)).toBe('rate-limited');
    expect(deps.mailer.sent).toHaveLength(1);
    deps.clock.advance(MINUTE + 1);
    expect(await signUp()).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(2);
  });

  it(`refuses the ${SIGNUPS_PER_IP + 1}th sign-up from one client address in an hour with RateLimitedError, storing nothing`, async () => {
    const deps = signupDeps();
    for (let i = 0; i < SIGNUPS_PER_IP; i++) {
      await requestSubscription({ email: `reader${i}@example.org`, lists: ['blog'], clientIp: ip }, deps);
    }
    const refused = requestSubscription({ email: 'one-more@example.org', lists: ['blog'], clientIp: ip }, deps);
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 3600 });
    expect(await deps.subscribers.findByEmail('one-more@example.org')).toBeUndefined();
    // Other networks are not affected.
    expect(await requestSubscription({ email: 'one-more@example.org', lists: ['blog'], clientIp: '198.51.100.1' }, deps)).toBe('sent');
  });

  it.each([
    [{ email: 'not an address', lists: ['blog'] }, ['email']],
    [{ email: 'ada@example.org', lists: [] }, ['lists']],
    [{ email: 'ada@example.org' }, ['lists']],
    [{ email: 'ada@example.org', lists: ['blog', 'nope'] }, ['lists.1']],
    [{ email: 'ada@example.org', lists: ['staff'] }, ['lists.0']],
    [{ email: 'ada@example.org', lists: ['old'] }, ['lists.0']],
    [{ email: 'ada@example.org', lists: ['blog'], language: 'fr' }, ['language']],
    [{ email: 42, lists: 'blog' }, ['email']],
  ])('rejects %j naming %j, and stores and sends nothing', async (input, fields) => {
    const deps = signupDeps();
    const error = await requestSubscription({ ...input, lists: (input as { lists?: unknown }).lists, clientIp: ip }, deps).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(fields);
    expect(deps.subscribers.subscribers.size).toBe(0);
    expect(deps.mailer.sent).toEqual([]);
  });

  describe('the honeypot (a field people never see)', () => {
    it('given the trap filled, resolves trapped and stores, sends and counts nothing', async () => {
      const deps = signupDeps();
      for (let i = 0; i <= SIGNUPS_PER_IP; i++) {
        expect(await requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: ip, trap: 'https://spam.example' }, deps)).toBe('trapped');
      }
      expect(deps.subscribers.subscribers.size).toBe(0);
      expect(deps.mailer.sent).toEqual([]);
      // Neither the network's hourly quota nor the address's 10-minute slot was used.
      expect(await requestSubscription({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('sent');
      expect(deps.mailer.sent.map((m) => m.to)).toEqual(['ada@example.org']);
    });

    it('a malformed sign-up with the trap filled is still a ValidationError, as it would be without', async () => {
      const deps = signupDeps();
      await expect(requestSubscription({ email: 'not an address', lists: ['blog'], clientIp: ip, trap: 'x' }, deps)).rejects.toBeInstanceOf(ValidationError);
    });

    it.each([
      [undefined, false],
      [null, false],
      ['', false],
      ['  ', false],
      ['https://spam.example', true],
      [['a'], true],
      [1, true],
    ])('isTrapFilled(%j) is %s', (trap, filled) => {
      expect(isTrapFilled(trap)).toBe(filled);
    });
  });
});
