import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';
import { listUnsubscribeUrl } from '../helpers/mail';
import { preferencesForm, preferencesLink } from '../helpers/preference-links';
import { signToken, TokenPurpose } from '../../functions/domain/security/link-tokens';

/**
 * The preference centre and "all lists" unsubscribe through the local stand-ins, over HTTP: links
 * read from the local mailbox, forms posted as a browser posts them, releases published after (and
 * during) the change.
 */
describe('preference centre end to end (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const recipientsOf = async (subject: string) =>
    (await pressroom.client.mail()).filter((m) => m.subject === subject).flatMap((m) => m.to).sort();
  const mailTo = async (address: string) => (await pressroom.client.mail()).find((m) => m.to.includes(address))!;
  const statuses = async (email: string) =>
    Object.fromEntries((await pressroom.adapters.subscribers.findByEmail(email))!.memberships.map((m) => [m.listId, m.status]));
  const post = (url: string, form: URLSearchParams) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form, redirect: 'manual' });
  const publish = async (id: string, lists: string[]) => {
    expect((await pressroom.client.publish(releaseBody({ id, title: id, lists }))).status).toBe(202);
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases,events=Events' } });
    const at = new Date().toISOString();
    await pressroom.adapters.lists.create({ id: 'insiders', name: 'Insiders', public: false, archived: false, createdAt: at, updatedAt: at });
    const imported = await pressroom.client.addSubscribers([
      { email: 'ada@example.com', lists: ['blog'] },
      { email: 'bob@example.com', lists: ['blog', 'press-releases', 'insiders'] },
      { email: 'cy@example.com', lists: ['blog'] },
      { email: 'dee@example.com', lists: ['blog'] },
    ]);
    expect(imported.status).toBe(200);
    await publish('first', ['blog']);
    await pressroom.settle();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('every email carries a preferences link in both parts, and the page shows the masked address and ticked lists', async () => {
    for (const message of (await pressroom.client.mail()).filter((m) => m.subject === 'first')) {
      const url = preferencesLink(message)!;
      expect(url.startsWith(`${pressroom.url}/preferences/`)).toBe(true);
      expect(message.html).toContain(`href="${url}"`);
      expect(url).not.toBe(listUnsubscribeUrl(message));
    }
    const response = await fetch(preferencesLink(await mailTo('ada@example.com'))!);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('a•••@example.com');
    expect(html).not.toContain('ada@example.com');
    expect(html).toMatch(/name="lists" value="blog" checked/);
    expect(html).toMatch(/name="lists" value="press-releases"(?! checked)/);
    expect(html).toMatch(/name="lists" value="events"(?! checked)/);
    expect(html).not.toContain('Insiders'); // private, and Ada is not on it
    expect(await statuses('ada@example.com')).toEqual({ blog: 'confirmed' }); // GET changed nothing
  });

  it('when Ada posts the form, she leaves Blog and joins Events and Press Releases; the next releases follow that', async () => {
    const response = await post(preferencesLink(await mailTo('ada@example.com'))!, preferencesForm('save', ['events', 'press-releases']));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Your preferences are saved.');
    expect(await statuses('ada@example.com')).toEqual({ blog: 'unsubscribed', events: 'confirmed', 'press-releases': 'confirmed' });

    await publish('blog-after', ['blog']);
    await publish('events-after', ['events']);
    await pressroom.settle();
    expect(await recipientsOf('blog-after')).toEqual(['bob@example.com', 'cy@example.com', 'dee@example.com']);
    expect(await recipientsOf('events-after')).toEqual(['ada@example.com']);
  });

  it('Bob sees the private list he is on and may leave it, but a forged form cannot put anyone on it', async () => {
    const bobUrl = preferencesLink(await mailTo('bob@example.com'))!;
    expect(await (await fetch(bobUrl)).text()).toMatch(/name="lists" value="insiders" checked/);
    await post(bobUrl, preferencesForm('save', ['blog', 'press-releases']));
    await post(bobUrl, preferencesForm('save', ['blog', 'press-releases', 'insiders', 'no-such-list']));
    expect(await statuses('bob@example.com')).toEqual({ blog: 'confirmed', insiders: 'unsubscribed', 'press-releases': 'confirmed' });
    await post(preferencesLink(await mailTo('cy@example.com'))!, preferencesForm('save', ['blog', 'insiders']));
    expect(await statuses('cy@example.com')).toEqual({ blog: 'confirmed' });
  });

  it('a suppressed address is told to sign up again, and its form cannot join a list', async () => {
    const dee = (await pressroom.adapters.subscribers.findByEmail('dee@example.com'))!;
    await pressroom.adapters.subscribers.suppress(dee.id, 'permanent-bounce', new Date());
    const url = preferencesLink(await mailTo('dee@example.com'))!;
    const html = await (await fetch(url)).text();
    expect(html).toContain('href="../subscribe"');
    expect(html).not.toMatch(/value="events"/);
    const response = await post(url, preferencesForm('save', ['blog', 'events']));
    expect(await response.text()).toContain('We could not add you to the lists you ticked.');
    expect(await statuses('dee@example.com')).toEqual({ blog: 'confirmed' });
    await pressroom.adapters.subscribers.unsuppress(dee.id, new Date());
  });

  it('"Unsubscribe from all lists" on the unsubscribe page stops everything, and the page links to the preference centre', async () => {
    const unsubscribeUrl = listUnsubscribeUrl(await mailTo('bob@example.com'))!;
    const page = await (await fetch(unsubscribeUrl)).text();
    expect(page).toContain('Unsubscribe?');
    expect(page).toContain('<button type="submit" name="scope" value="all"');
    const prefs = /href="\.\.\/preferences\/([^"]+)"/.exec(page)![1];
    expect((await fetch(`${pressroom.url}/preferences/${prefs}`)).status).toBe(200);

    const response = await post(unsubscribeUrl, new URLSearchParams({ scope: 'all' }));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');
    expect(await statuses('bob@example.com')).toEqual({ blog: 'unsubscribed', insiders: 'unsubscribed', 'press-releases': 'unsubscribed' });

    await publish('after-all', ['blog', 'press-releases', 'insiders']);
    await pressroom.settle();
    expect(await recipientsOf('after-all')).toEqual(['ada@example.com', 'cy@example.com', 'dee@example.com']);
  });

  it('a release already queued is not delivered to someone who left before it was sent', async () => {
    // A list and two people of its own, each with an earlier email (and so a preferences link).
    const list = `queued-${Date.now().toString(36)}`;
    const [leaver, stayer] = ['leaver', 'stayer'].map((who) => `${who}-${list}@example.com`);
    const at = new Date().toISOString();
    await pressroom.adapters.lists.create({ id: list, name: 'Queued', public: false, archived: false, createdAt: at, updatedAt: at });
    expect((await pressroom.client.addSubscribers([leaver, stayer].map((email) => ({ email, lists: [list] })))).status).toBe(200);
    await publish(`${list}-earlier`, [list]);
    await pressroom.settle();
    const link = preferencesLink((await pressroom.client.mail()).find((m) => m.subject === `${list}-earlier` && m.to.includes(leaver))!)!;

    await pressroom.queues.send.stop();
    try {
      const waiting = pressroom.queues.send.stats().visible;
      await publish(list, [list]);
      await pressroom.queues.fanOut.drain();
      expect(pressroom.queues.send.stats().visible - waiting).toBe(2); // both are planned
      const response = await post(link, preferencesForm('unsubscribe-all'));
      expect(await response.text()).toContain('You have left all lists.');
    } finally {
      pressroom.queues.send.start();
    }
    await pressroom.settle();
    expect(await recipientsOf(list)).toEqual([stayer]);
    const left = (await pressroom.adapters.subscribers.findByEmail(leaver))!;
    expect(await pressroom.adapters.deliveries.get(list, left.id)).toMatchObject({ status: 'skipped' });
  });

  it('tampered, cross-purpose and erased-subscriber links all get the same 400 page, and change nothing', async () => {
    const ada = (await pressroom.adapters.subscribers.findByEmail('ada@example.com'))!;
    const url = preferencesLink(await mailTo('ada@example.com'))!;
    const at = url.lastIndexOf('.') + 1;
    const tampered = url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1);
    const { keyring } = pressroom.adapters;
    const erased = (await pressroom.adapters.subscribers.addConfirmed('gone@example.com', ['blog'], new Date())).subscriber.id;
    await pressroom.adapters.subscribers.erase(erased);
    const tokens = [
      signToken({ purpose: TokenPurpose.Unsubscribe, subscriberId: ada.id, listId: 'events' }, keyring),
      signToken({ purpose: TokenPurpose.Confirm, subscriberId: ada.id, lists: ['blog'] }, keyring),
      signToken({ purpose: TokenPurpose.Preferences, subscriberId: erased }, keyring),
    ];
    const urls = [tampered, `${pressroom.url}/preferences/not-a-token`, ...tokens.map((t) => `${pressroom.url}/preferences/${t}`)];
    const responses = await Promise.all(urls.flatMap((u) => [fetch(u), post(u, preferencesForm('unsubscribe-all'))]));
    expect(responses.map((r) => r.status)).toEqual(urls.flatMap(() => [400, 400]));
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    // A preferences token on the unsubscribe route is refused with that same page too.
    const crossed = await fetch(`${pressroom.url}/unsubscribe/${url.split('/').pop()}`);
    expect(crossed.status).toBe(400);
    bodies.add(await crossed.text());
    expect(bodies.size).toBe(1);
    expect([...bodies][0]).not.toMatch(/a•••|example\.com|Events|Blog/);
    expect(await statuses('ada@example.com')).toEqual({ blog: 'unsubscribed', events: 'confirmed', 'press-releases': 'confirmed' });
  });

  it("the unsubscribe pages speak the subscriber's language", async () => {
    await pressroom.adapters.subscribers.addConfirmed('lucia@example.com', ['events'], new Date(), 'es');
    await publish('for-lucia', ['events']);
    await pressroom.settle();
    const url = listUnsubscribeUrl(await mailTo('lucia@example.com'))!;
    const page = await (await fetch(url)).text();
    expect(page).toMatch(/<html lang="es"/);
    expect(page).toContain('¿Darse de baja?');
    const done = await (await post(url, new URLSearchParams('List-Unsubscribe=One-Click'))).text();
    expect(done).toMatch(/<html lang="es"/);
    expect(done).toContain('Se ha dado de baja');
    // Someone without a language gets the organisation's (English).
    const english = await (await fetch(listUnsubscribeUrl(await mailTo('bob@example.com'))!)).text();
    expect(english).toMatch(/<html lang="en"/);
    expect(english).toContain('Unsubscribe?');
  });
});
