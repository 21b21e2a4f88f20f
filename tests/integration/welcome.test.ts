import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';

type Mail = Awaited<ReturnType<Awaited<ReturnType<typeof startTestPressroom>>['client']['mail']>>[number];

/**
 * The welcome email through the local stack: staff set it by the API, a reader signs up and
 * confirms through the emailed link, the welcome arrives once (from the sign-up queue), in the
 * reader's language, with an unsubscribe link that works.
 */
describe('a list welcome end to end (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;

  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${pressroom.secrets.adminToken}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));
  const confirmLinkIn = (mail: Mail) => /href="([^"]*\/confirm\/[^"]+)"/.exec(String(mail.html))![1];
  const signUpAndConfirm = async (email: string, language: string) => {
    await fetch(`${pressroom.url}/subscribe`, { method: 'POST', body: new URLSearchParams([['email', email], ['lists', 'blog'], ['language', language]]) });
    await pressroom.settle();
    const link = confirmLinkIn((await mailTo(email))[0]);
    const confirmed = await fetch(link, { method: 'POST' });
    await pressroom.settle();
    return { link, confirmed };
  };

  beforeAll(async () => {
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('staff set a welcome on a list through PATCH /admin/lists/{listId}', async () => {
    const set = await admin('PATCH', '/admin/lists/blog', {
      welcome: {
        subject: 'Welcome to the Blog',
        markdown: '# Thanks for joining\n\nRead [our latest posts](https://example.org/blog).',
        translations: { es: { subject: 'Te damos la bienvenida al Blog', markdown: '# Gracias por suscribirte\n\nLee nuestras entradas.' } },
      },
    });
    expect(set.status).toBe(200);
    expect(set.body.welcome).toMatchObject({ subject: 'Welcome to the Blog', onImport: false });
    expect((await admin('PATCH', '/admin/lists/blog', { welcome: { markdown: '' } })).status).toBe(400);
    expect((await admin('GET', '/admin/lists/blog')).body.welcome.translations.es.subject).toBe('Te damos la bienvenida al Blog');
  });

  it('a confirmed reader gets exactly one welcome, and confirming again sends none', async () => {
    const { link, confirmed } = await signUpAndConfirm('ada@example.org', 'en');
    expect(confirmed.status).toBe(200);
    const [confirmation, welcome, ...more] = await mailTo('ada@example.org');
    expect(confirmation.subject).toContain('Confirm');
    expect(more).toEqual([]);
    expect(welcome.subject).toBe('Welcome to the Blog');
    expect(welcome.text).toContain('Thanks for joining');
    expect(welcome.html).toContain('<a href="https://example.org/blog"');
    expect(welcome.html).toContain('lang="en"');

    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    await pressroom.settle();
    expect(await mailTo('ada@example.org')).toHaveLength(2);

    // Its unsubscribe link works: one-click leaves the list.
    const unsubscribe = listUnsubscribeUrl(welcome)!;
    expect(String(welcome.html)).toContain(unsubscribe);
    const left = await fetch(unsubscribe, { method: 'POST', body: new URLSearchParams([['List-Unsubscribe', 'One-Click']]) });
    expect(left.status).toBe(200);
    const ada = await pressroom.adapters.subscribers.findByEmail('ada@example.org');
    expect(ada!.memberships.find((m) => m.listId === 'blog')!.status).toBe('unsubscribed');
  });

  it('a Spanish reader gets the Spanish text, with Spanish chrome', async () => {
    await signUpAndConfirm('ana@example.org', 'es');
    const [, welcome, ...more] = await mailTo('ana@example.org');
    expect(more).toEqual([]);
    expect(welcome.subject).toBe('Te damos la bienvenida al Blog');
    expect(welcome.text).toContain('Gracias por suscribirte');
    expect(welcome.text).toContain('Darse de baja');
    expect(welcome.html).toContain('lang="es"');
  });

  it('an import with consent is welcomed only once the list says onImport', async () => {
    await pressroom.client.addSubscribers({ email: 'imported@example.org', lists: ['blog'] });
    await pressroom.settle();
    expect(await mailTo('imported@example.org')).toEqual([]);

    await admin('PATCH', '/admin/lists/press-releases', { welcome: { markdown: 'Welcome, imported reader.', onImport: true } });
    await pressroom.client.addSubscribers({ email: 'imported@example.org', lists: ['press-releases'] });
    await pressroom.settle();
    const [welcome, ...more] = await mailTo('imported@example.org');
    expect(more).toEqual([]);
    expect(welcome.subject).toBe('Welcome to Press Releases');
    expect(welcome.text).toContain('Welcome, imported reader.');
  });
});
