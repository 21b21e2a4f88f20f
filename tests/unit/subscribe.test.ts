import { describe, expect, it } from 'vitest';
import { acceptSubscription, isTrapFilled, SIGNUPS_PER_IP } from '../../functions/domain/subscriber/subscribe';
import { RateLimitedError } from '../../functions/domain/subscriber/errors';
import { ValidationError } from '../../functions/domain/errors';
import { verifyToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { confirmTokenIn, signUp, signupDeps } from '../helpers/signup-deps';

const MINUTE = 60_000;
const ip = '192.0.2.10';

describe('requestSubscription (double opt-in sign-up)', () => {
  it('given a new address, stores pending memberships and sends one confirmation email with a 7-day token for those lists', async () => {
    const deps = signupDeps();
    const outcome = await signUp({ email: '  Ada@Example.ORG ', lists: ['blog', 'press-releases'], language: 'es', clientIp: ip }, deps);

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
    await expect(signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).resolves.toMatch(/^(sent|already-confirmed)$/);
  });

  it('an address already confirmed on every list gets no email; a suppressed one gets the fresh opt-in', async () => {
    const deps = signupDeps();
    await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    const { subscriber: grace } = await deps.subscribers.addConfirmed('grace@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.suppress(grace.id, SuppressionReason.PermanentBounce, deps.clock.now());

    expect(await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('already-confirmed');
    expect(await signUp({ email: 'grace@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('sent');
    expect(deps.mailer.sent.map((m) => m.to)).toEqual(['grace@example.org']);
  });

  it('a confirmed subscriber asking for one more list gets a token for the new list only', async () => {
    const deps = signupDeps();
    await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    await signUp({ email: 'ada@example.org', lists: ['blog', 'press-releases'], clientIp: ip }, deps);
    expect(deps.systemEmails.rendered.map((r) => r.lists)).toEqual([['Press Releases']]);
    const ada = await deps.subscribers.findByEmail('ada@example.org');
    expect(ada!.memberships.map((m) => [m.listId, m.status])).toEqual([['blog', 'confirmed'], ['press-releases', 'pending']]);
  });

  it('sends at most one confirmation email per address per 10 minutes, silently', async () => {
    const deps = signupDeps();
    const again = () => signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps);
    expect(await again()).toBe('sent');
    deps.clock.advance(9 * MINUTE);
    expect(await again()).toBe('rate-limited');
    expect(await signUp({ email: 'ADA@EXAMPLE.org', lists: ['press-releases'], clientIp: '198.51.100.1' }, deps)).toBe('rate-limited');
    expect(deps.mailer.sent).toHaveLength(1);
    deps.clock.advance(MINUTE + 1);
    expect(await again()).toBe('sent');
    expect(deps.mailer.sent).toHaveLength(2);
  });

  it(`refuses the ${SIGNUPS_PER_IP + 1}th sign-up from one client address in an hour with RateLimitedError, storing nothing`, async () => {
    const deps = signupDeps();
    for (let i = 0; i < SIGNUPS_PER_IP; i++) {
      await signUp({ email: `reader${i}@example.org`, lists: ['blog'], clientIp: ip }, deps);
    }
    const refused = signUp({ email: 'one-more@example.org', lists: ['blog'], clientIp: ip }, deps);
    await expect(refused).rejects.toBeInstanceOf(RateLimitedError);
    await expect(refused).rejects.toMatchObject({ retryAfterSeconds: 3600 });
    expect(await deps.subscribers.findByEmail('one-more@example.org')).toBeUndefined();
    // Other networks are not affected.
    expect(await signUp({ email: 'one-more@example.org', lists: ['blog'], clientIp: '198.51.100.1' }, deps)).toBe('sent');
  });

  it('counts every request against its client, invalid ones too, so the form cannot be probed without limit', async () => {
    const deps = signupDeps();
    for (let i = 0; i < SIGNUPS_PER_IP; i++) {
      await expect(signUp({ email: `not an address ${i}`, lists: ['blog'], clientIp: ip }, deps)).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).rejects.toBeInstanceOf(RateLimitedError);
  });

  it('sends one address at most 3 confirmation emails a day, whoever asks and from wherever', async () => {
    const deps = signupDeps();
    const outcomes = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: `198.51.100.${i}` }, deps));
      deps.clock.advance(11 * MINUTE);
    }
    expect(outcomes).toEqual(['sent', 'sent', 'sent', 'capped', 'capped', 'capped']);
    expect(deps.mailer.sent).toHaveLength(3);
    deps.clock.advance(24 * 60 * MINUTE);
    expect(await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).toBe('sent');
  });

  it('accepting reads and writes nothing of the address: a new, pending, confirmed, left or suppressed address gets the same work and answer', async () => {
    const deps = signupDeps();
    const now = deps.clock.now();
    await deps.subscribers.addPending('pending@example.org', ['blog'], undefined, now);
    await deps.subscribers.addConfirmed('confirmed@example.org', ['blog'], now);
    const { subscriber: left } = await deps.subscribers.addConfirmed('left@example.org', ['blog'], now);
    await deps.subscribers.unsubscribe(left.id, 'blog', now);
    const { subscriber: suppressed } = await deps.subscribers.addConfirmed('suppressed@example.org', ['blog'], now);
    await deps.subscribers.suppress(suppressed.id, SuppressionReason.Complaint, now);
    const before = structuredClone([...deps.subscribers.subscribers.values()]);
    const reads = { subscribers: 0 };
    const counting = new Proxy(deps.subscribers, { get: (target, key, receiver) => ((reads.subscribers += 1), Reflect.get(target, key, receiver)) });

    for (const email of ['new@example.org', 'pending@example.org', 'confirmed@example.org', 'left@example.org', 'suppressed@example.org']) {
      expect(await acceptSubscription({ email, lists: ['blog'], clientIp: email }, { ...deps, subscribers: counting } as never)).toBe('accepted');
    }
    expect(reads.subscribers).toBe(0);
    expect([...deps.subscribers.subscribers.values()]).toEqual(before);
    expect(deps.mailer.sent).toEqual([]);
    expect(deps.signups.jobs.map((j) => j.email)).toEqual(['new@example.org', 'pending@example.org', 'confirmed@example.org', 'left@example.org', 'suppressed@example.org']);
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
    const error = await signUp({ ...input, lists: (input as { lists?: unknown }).lists, clientIp: ip }, deps).catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual(fields);
    expect(deps.subscribers.subscribers.size).toBe(0);
    expect(deps.mailer.sent).toEqual([]);
  });

  describe('the honeypot (a field people never see)', () => {
    it('given the trap filled, resolves trapped and stores, queues and sends nothing; the request still counts against its client', async () => {
      const deps = signupDeps();
      for (let i = 0; i < SIGNUPS_PER_IP; i++) {
        expect(await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip, trap: 'https://spam.example' }, deps)).toBe('trapped');
      }
      expect(deps.subscribers.subscribers.size).toBe(0);
      expect(deps.mailer.sent).toEqual([]);
      await expect(signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: ip }, deps)).rejects.toBeInstanceOf(RateLimitedError);
      // The address's own 10-minute slot was not used: its owner, on another network, gets the email at once.
      expect(await signUp({ email: 'ada@example.org', lists: ['blog'], clientIp: '198.51.100.1' }, deps)).toBe('sent');
      expect(deps.mailer.sent.map((m) => m.to)).toEqual(['ada@example.org']);
    });

    it('a malformed sign-up with the trap filled is still a ValidationError, as it would be without', async () => {
      const deps = signupDeps();
      await expect(signUp({ email: 'not an address', lists: ['blog'], clientIp: ip, trap: 'x' }, deps)).rejects.toBeInstanceOf(ValidationError);
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
