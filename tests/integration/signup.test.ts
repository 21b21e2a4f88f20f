import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';
import { purgePendingSignups } from '../../functions/domain/subscriber/purge-pending';
import { logger } from '../../functions/runtime/logger';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

type Mail = Awaited<ReturnType<Awaited<ReturnType<typeof startTestPressroom>>['client']['mail']>>[number];

/**
 * Double opt-in through the local stand-ins over HTTP: sign-up (form and JSON) → confirmation email
 * in the local mailbox → GET the link (nothing changes) → POST → a release reaches the subscriber,
 * and never an address that did not confirm.
 */
describe('sign-up and confirmation end to end (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let confirmLink: string;
  // The handlers read time from this clock: the purge case signs up in the past.
  const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };

  // Each waits for the sign-up queue too: the confirmation email goes out after the answer.
  const settled = async (response: Promise<Response>) => {
    const answer = await response;
    await pressroom.settle();
    return answer;
  };
  const signUpWithForm = (fields: [string, string][]) =>
    settled(fetch(`${pressroom.url}/subscribe`, { method: 'POST', body: new URLSearchParams(fields) }));
  const signUpWithJson = (body: unknown) =>
    settled(fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }));
  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));
  const linkIn = (mail: Mail) => ({
    html: /href="([^"]*\/confirm\/[^"]+)"/.exec(String(mail.html))?.[1],
    text: /(https?:\/\/\S+\/confirm\/[^\s\]]+)/.exec(mail.text ?? '')?.[1],
  });
  const memberships = async (email: string) =>
    (await pressroom.adapters.subscribers.findByEmail(email))?.memberships.map((m) => [m.listId, m.status]).sort();

  beforeAll(async () => {
    pressroom = await startTestPressroom({ clock });
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('GET /subscribe serves an accessible form listing the public lists', async () => {
    const response = await fetch(`${pressroom.url}/subscribe`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('<html lang="en">');
    expect(page).toMatch(/<form method="post" action="subscribe">/);
    expect(page).toContain('<label for="email">');
    expect(page).toMatch(/<fieldset>\s*<legend>/);
    expect(page).toContain('<input type="checkbox" id="list-blog" name="lists" value="blog">');
    expect(page).toContain('<label for="list-press-releases">Press Releases</label>');
    // The honeypot: off-screen, hidden from screen readers with its label, out of the Tab order, empty.
    expect(page).toMatch(
      /<div class="trap" aria-hidden="true">\s*<label for="website">[^<]+<\/label>\s*<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">\s*<\/div>/,
    );
    expect(page).not.toMatch(/\.trap \{[^}]*display:\s*none/);
    expect(await (await fetch(`${pressroom.url}/subscribe?lang=es`)).text()).toContain('<html lang="es">');
  });

  it('a form sign-up gets the check-your-inbox page and one confirmation email with the link in HTML and text', async () => {
    const response = await signUpWithForm([['email', ' Reader@Example.COM '], ['lists', 'blog'], ['lists', 'press-releases'], ['language', 'en']]);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Check your inbox');

    const [mail, ...more] = await mailTo('Reader@example.com');
    expect(more).toEqual([]);
    expect(mail.subject).toBe('Confirm your subscription to Pressroom');
    expect(mail.text).toContain('Blog');
    expect(mail.text).toContain('Press Releases');
    expect(mail.text).toContain('expires in 7 days');
    expect(mail.text).toContain('1 Example Street');
    const { html, text } = linkIn(mail);
    expect(html).toMatch(new RegExp(`^${pressroom.url}/confirm/`));
    expect(text).toBe(html);
    confirmLink = html!;
    expect(await memberships('Reader@example.com')).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
  });

  it('a JSON sign-up answers 202 { status: "check-your-inbox" } and sends the email too', async () => {
    const response = await signUpWithJson({ email: 'json@example.com', lists: ['press-releases'], language: 'es' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'check-your-inbox' });
    const [mail] = await mailTo('json@example.com');
    expect(mail.subject).toBe('Confirme su suscripción a Pressroom');
    expect(linkIn(mail).html).toMatch(/\/confirm\//);
  });

  it('GET on the link shows the lists and a button, and changes nothing', async () => {
    const response = await fetch(confirmLink);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Confirm your subscription');
    expect(page).toContain('<strong>Blog</strong>');
    expect(page).toContain('<form method="post"');
    expect(await memberships('Reader@example.com')).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
  });

  it('POST on the link confirms, and a release to blog then reaches the subscriber but not an unconfirmed address', async () => {
    const response = await fetch(confirmLink, { method: 'POST' });
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('You are subscribed');
    expect(page).toContain('<strong>Press Releases</strong>');
    expect(await memberships('Reader@example.com')).toEqual([['blog', 'confirmed'], ['press-releases', 'confirmed']]);

    expect((await signUpWithForm([['email', 'unconfirmed@example.com'], ['lists', 'blog']])).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ id: 'after-signup', title: 'After sign-up', lists: ['blog'] }))).status).toBe(202);
    await pressroom.settle();

    const release = (await pressroom.client.mail()).filter((m) => m.subject === 'After sign-up');
    expect(release.flatMap((m) => m.to)).toEqual(['Reader@example.com']);
    expect((await mailTo('unconfirmed@example.com')).map((m) => m.subject)).toEqual(['Confirm your subscription to Pressroom']);
  });

  it('tampered, cross-purpose, expired and erased-subscriber links all get the same 400 page, which reveals nothing', async () => {
    const reader = (await pressroom.adapters.subscribers.findByEmail('Reader@example.com'))!;
    const unconfirmed = (await pressroom.adapters.subscribers.findByEmail('unconfirmed@example.com'))!;
    const keyring = pressroom.adapters.keyring;
    const at = confirmLink.lastIndexOf('.') + 1;
    const tampered = confirmLink.slice(0, at) + (confirmLink[at] === 'A' ? 'B' : 'A') + confirmLink.slice(at + 1);
    const [releaseMail] = (await pressroom.client.mail()).filter((m) => m.subject === 'After sign-up');
    const expired = signToken(
      { purpose: TokenPurpose.Confirm, subscriberId: unconfirmed.id, lists: ['blog'], expiresAt: Math.floor(Date.now() / 1000) - 60 },
      keyring,
    );
    const ghost = signToken({ purpose: TokenPurpose.Confirm, subscriberId: 'no-such-subscriber', lists: ['blog'], expiresAt: Math.floor(Date.now() / 1000) + 3600 }, keyring);
    const preferences = signToken({ purpose: TokenPurpose.Preferences, subscriberId: reader.id }, keyring);
    const unsubscribeToken = listUnsubscribeUrl(releaseMail)!.split('/').pop()!;
    const urls = [tampered, ...[expired, ghost, preferences, unsubscribeToken, 'not-a-token'].map((t) => `${pressroom.url}/confirm/${t}`)];

    const responses = await Promise.all(urls.flatMap((u) => [fetch(u), fetch(u, { method: 'POST' })]));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(urls.flatMap(() => [400, 400]));
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).toContain('This link is not valid');
    expect(bodies[0]).not.toMatch(/example\.com|Blog|Press Releases|<form/i);
    expect(await memberships('unconfirmed@example.com')).toEqual([['blog', 'pending']]);
  });

  it('a new and an already-confirmed address get byte-identical answers, and the confirmed one gets no email', async () => {
    const before = (await mailTo('Reader@example.com')).length;
    const formNew = await signUpWithForm([['email', 'brand-new@example.com'], ['lists', 'blog']]);
    const formKnown = await signUpWithForm([['email', 'Reader@example.com'], ['lists', 'blog']]);
    const jsonNew = await signUpWithJson({ email: 'also-new@example.com', lists: ['blog'] });
    const jsonKnown = await signUpWithJson({ email: 'Reader@example.com', lists: ['blog'] });
    expect([formNew.status, formKnown.status, jsonNew.status, jsonKnown.status]).toEqual([200, 200, 202, 202]);
    expect(await formNew.text()).toBe(await formKnown.text());
    expect(await jsonNew.text()).toBe(await jsonKnown.text());
    expect(await mailTo('Reader@example.com')).toHaveLength(before);
    expect(await mailTo('brand-new@example.com')).toHaveLength(1);
  });

  it('a second sign-up of the same address within 10 minutes sends no second email', async () => {
    const email = `twice-${Date.now().toString(36)}@example.com`;
    expect((await signUpWithForm([['email', email], ['lists', 'blog']])).status).toBe(200);
    const again = await signUpWithForm([['email', email], ['lists', 'press-releases']]);
    expect(again.status).toBe(200);
    expect(await mailTo(email)).toHaveLength(1);
    expect(await memberships(email)).toEqual([['blog', 'pending'], ['press-releases', 'pending']]);
  });

  it('a malformed address or a list that is not offered gets a 400 naming the field', async () => {
    const json = await signUpWithJson({ email: 'not-an-address', lists: ['blog', 'secret'] });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { issues: { field: string }[] }).issues.map((i) => i.field)).toEqual(['email', 'lists.1']);

    const form = await signUpWithForm([['email', 'not-an-address'], ['lists', 'blog']]);
    expect(form.status).toBe(400);
    const page = await form.text();
    expect(page).toContain('aria-invalid="true"');
    expect(page).toContain('value="not-an-address"');
    expect(page).toContain('Enter an email address like name@example.org.');
  });

  it('the purge removes sign-ups whose link expired and erases people left with nothing, through the DynamoDB index', async () => {
    // Sign-ups of its own, made eight days ago (their links expired) and now: the other cases'
    // sign-ups are minutes old, so the purge at the real time leaves them alone.
    const id = Date.now().toString(36);
    const [stale, staleTwoLists, staleOfConfirmed, recent] = ['stale', 'two-lists', 'confirmed', 'recent'].map((who) => `purge-${who}-${id}@example.com`);
    await pressroom.adapters.subscribers.addConfirmed(staleOfConfirmed, ['blog'], new Date());
    clock.aheadMs = -8 * 24 * 3600 * 1000;
    try {
      for (const [email, lists] of [[stale, ['blog']], [staleTwoLists, ['blog', 'press-releases']], [staleOfConfirmed, ['press-releases']]] as const) {
        expect((await signUpWithJson({ email, lists })).status).toBe(202);
      }
    } finally {
      clock.aheadMs = 0;
    }
    expect((await signUpWithJson({ email: recent, lists: ['blog'] })).status).toBe(202);

    const result = await purgePendingSignups({ subscribers: pressroom.adapters.subscribers, clock: { now: () => new Date() } });
    // stale@ (one list), two-lists@ (two), confirmed@'s press-releases; the first two are left with nothing.
    expect(result).toEqual({ removed: 4, erased: 2 });
    expect(await pressroom.adapters.subscribers.findByEmail(stale)).toBeUndefined();
    expect(await pressroom.adapters.subscribers.findByEmail(staleTwoLists)).toBeUndefined();
    expect(await memberships(staleOfConfirmed)).toEqual([['blog', 'confirmed']]);
    expect(await memberships(recent)).toEqual([['blog', 'pending']]);
    // The scheduled handler runs the same purge (nothing left to do now).
    await pressroom.scheduler.runNow('purge-pending');
    expect(await memberships(recent)).toEqual([['blog', 'pending']]);
  });

  it('a sign-up with the honeypot filled gets the accepted answer but stores and sends nothing, and takes no confirmation slot', async () => {
    const trapped = 'honeypot-victim@example.com';
    const info = vi.spyOn(logger, 'info');
    try {
      const mailBefore = (await pressroom.client.mail()).length;
      const form = await signUpWithForm([['email', trapped], ['lists', 'blog'], ['website', 'https://spam.example'], ['language', 'en']]);
      const json = await signUpWithJson({ email: trapped, lists: ['press-releases'], website: 'https://spam.example' });

      expect(form.status).toBe(200);
      expect(await form.text()).toContain('Check your inbox');
      expect(json.status).toBe(202);
      expect(await json.json()).toEqual({ status: 'check-your-inbox' });
      expect(await pressroom.adapters.subscribers.findByEmail(trapped)).toBeUndefined();
      expect(await pressroom.client.mail()).toHaveLength(mailBefore);

      const logged = info.mock.calls.filter(([message]) => String(message).includes('honeypot'));
      expect(logged).toHaveLength(2);
      expect(JSON.stringify(logged)).not.toContain('honeypot-victim');
    } finally {
      info.mockRestore();
    }

    // The address's 10-minute confirmation slot was not taken: its owner signing up now gets the email,
    // and the answer is byte-identical to the one the bot got.
    const person = await signUpWithForm([['email', trapped], ['lists', 'blog'], ['website', ''], ['language', 'en']]);
    const bot = await signUpWithForm([['email', 'another-victim@example.com'], ['lists', 'blog'], ['website', 'x'], ['language', 'en']]);
    expect(person.status).toBe(200);
    expect(await person.text()).toBe(await bot.text());
    expect((await mailTo(trapped)).map((m) => m.subject)).toEqual(['Confirm your subscription to Pressroom']);
    expect(await memberships(trapped)).toEqual([['blog', 'pending']]);
    expect(await pressroom.adapters.subscribers.findByEmail('another-victim@example.com')).toBeUndefined();
  });
});
