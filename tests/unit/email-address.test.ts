import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors';
import { normaliseEmail } from '../../functions/domain/subscriber/subscriber';
import { acceptSubscription, processSubscription } from '../../functions/domain/subscriber/subscribe';
import { sendConfirmationEmail } from '../../functions/domain/subscriber/confirmation';
import { importSubscribers } from '../../functions/domain/subscriber/import-subscribers';
import { lookupSubscriber } from '../../functions/domain/subscriber/manage-subscribers';
import { FakeClock, MemoryBlocklist, MemorySubscriberStore } from '../helpers/fakes';
import { signupDeps } from '../helpers/signup-deps';

/** Issue 13: only addresses SES can send to are accepted; the rest are refused naming the field. */
describe('normaliseEmail: what SES can send', () => {
  it.each([
    ['ada@example.org', 'ada@example.org'],
    ['  Ada.Lovelace+news@Example.ORG ', 'Ada.Lovelace+news@example.org'],
    ["o'brien!#$%&*=?^_`{|}~-@mail.example.co.uk", "o'brien!#$%&*=?^_`{|}~-@mail.example.co.uk"],
    // Internationalised domains are sendable once in punycode; the punycode form is what is stored.
    ['ada@bücher.de', 'ada@xn--bcher-kva.de'],
    ['ada@BÜCHER.DE', 'ada@xn--bcher-kva.de'],
    ['ada@пример.рф', 'ada@xn--e1afmkfd.xn--p1ai'],
    ['ada@xn--bcher-kva.de', 'ada@xn--bcher-kva.de'],
  ])('accepts %j as %j', (raw, stored) => {
    expect(normaliseEmail(raw)).toBe(stored);
  });

  it.each([
    ['a non-ASCII local part', 'josé@example.org'],
    ['a non-ASCII local part (CJK)', '用户@example.org'],
    ['a zero-width space in the local part', 'ada\u200b@example.org'],
    ['a zero-width space in the domain', 'ada@exa\u200bmple.org'],
    ['a byte-order mark', 'ada\ufeff@example.org'],
    ['a soft hyphen in the domain', 'ada@exam\u00adple.org'],
    ['a soft hyphen in the local part', 'a\u00adda@example.org'],
    ['a bidi override', 'ada\u202e@example.org'],
    ['a bidi isolate in the domain', 'ada@example\u2066.org'],
    ['a no-break space', 'ada\u00a0lovelace@example.org'],
    ['a replacement character (undecodable input)', 'ad\ufffda@example.org'],
    ['a control character', 'ada\u0007@example.org'],
    ['a space', 'ada lovelace@example.org'],
    ['no TLD', 'ada@localhost'],
    ['an empty label', 'ada@example..org'],
    ['a punycode label that does not decode', 'ada@xn--zz.org'],
    ['an underscore in the domain', 'ada@mail_host.example.org'],
    ['a local part past 64 characters', `${'a'.repeat(65)}@example.org`],
  ])('refuses %s with a ValidationError naming the field', (_what, raw) => {
    let error: unknown;
    try {
      normaliseEmail(raw, 'subscribers.3.email');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues).toEqual([{ field: 'subscribers.3.email', message: expect.stringContaining('not a valid email address') }]);
  });

  it('says why a non-ASCII or invisible character is refused, showing it escaped', () => {
    expect(() => normaliseEmail('ada\u200b@example.org')).toThrow(/U\+200B/);
    expect(() => normaliseEmail('josé@example.org')).toThrow(/before the @/);
    expect(() => normaliseEmail('jos\ufffd@example.org')).toThrow(/not UTF-8/);
  });
});

describe('every entry point refuses an unsendable address', () => {
  it('a sign-up is refused at accept time (400 naming email) and nothing is queued', async () => {
    const deps = signupDeps();
    const signing = acceptSubscription({ email: 'ada\u200b@example.org', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    await expect(signing).rejects.toBeInstanceOf(ValidationError);
    await expect(signing).rejects.toMatchObject({ issues: [{ field: 'email' }] });
    expect(deps.signups.jobs).toEqual([]);
  });

  it('a sign-up for an internationalised domain is queued in punycode', async () => {
    const deps = signupDeps();
    await acceptSubscription({ email: 'ada@bücher.de', lists: ['blog'], clientIp: '192.0.2.1' }, deps);
    expect(deps.signups.jobs.map((j) => j.email)).toEqual(['ada@xn--bcher-kva.de']);
  });

  it('a JSON import names the row field and stores nothing', async () => {
    const subscribers = new MemorySubscriberStore();
    const importing = importSubscribers(
      [{ email: 'ada@example.org', lists: ['blog'] }, { email: 'jos\u00e9@example.org', lists: ['blog'] }],
      { subscribers, blocklist: new MemoryBlocklist(), clock: new FakeClock(), listIds: new Set(['blog']) },
    );
    await expect(importing).rejects.toMatchObject({ issues: [{ field: '1.email' }] });
    expect(await subscribers.findByEmail('ada@example.org')).toBeUndefined();
  });

  it('a staff lookup by the Unicode form of a domain finds the punycode address stored', async () => {
    const subscribers = new MemorySubscriberStore();
    const { subscriber } = await subscribers.addConfirmed('ada@xn--bcher-kva.de', ['blog'], new Date('2026-11-01'));
    const found = await lookupSubscriber('ada@bücher.de', { subscribers, blocklist: new MemoryBlocklist() });
    expect(found.id).toBe(subscriber.id);
  });

  it('a staff lookup still finds an unsendable address stored before the check, so it can be erased; an unknown one is a 400', async () => {
    const subscribers = new MemorySubscriberStore();
    const { subscriber } = await subscribers.addConfirmed('ada\u200b@example.org', ['blog'], new Date('2026-11-01'));
    const deps = { subscribers, blocklist: new MemoryBlocklist() };
    expect((await lookupSubscriber(' ada\u200b@example.org ', deps)).id).toBe(subscriber.id);
    await expect(lookupSubscriber('grace\u200b@example.org', deps)).rejects.toMatchObject({ issues: [{ field: 'email' }] });
  });
});

describe('a confirmation email to an address that can never be sent ends with an outcome, not a throw', () => {
  it('a sign-up job queued before the check (legacy) ends unsendable, storing and sending nothing', async () => {
    const deps = signupDeps();
    const outcome = await processSubscription({ email: 'jos\u00e9@example.org', lists: ['blog'], requestedAt: deps.clock.now().toISOString() }, deps);
    expect(outcome).toBe('unsendable');
    expect(deps.subscribers.subscribers.size).toBe(0);
    expect(deps.mailer.sent).toEqual([]);
  });

  it('a stored subscriber whose address cannot be encoded gets unsendable from sendConfirmationEmail (CSV import without consent)', async () => {
    const deps = signupDeps();
    const { subscriber } = await deps.subscribers.addPending('ada\u200b@example.org', ['blog'], undefined, deps.clock.now());
    expect(await sendConfirmationEmail(subscriber, ['blog'], deps)).toBe('unsendable');
    expect(deps.mailer.sent).toEqual([]);
  });
});
