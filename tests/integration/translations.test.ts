import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Each reader's language through the local stack: one release with a Spanish translation reaches an
 * English reader in English and a Spanish (es-MX) reader in Spanish, chrome included; its web version
 * and feeds exist per language.
 */
describe('a release in two languages (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  const id = `bilingual-${randomUUID().slice(0, 8)}`;
  const english = `en-${id}@example.com`;
  const spanish = `es-${id}@example.com`;

  beforeAll(async () => {
    pressroom = await startTestPressroom();
    const now = new Date();
    await pressroom.adapters.subscribers.addConfirmed(english, ['blog'], now, 'en');
    await pressroom.adapters.subscribers.addConfirmed(spanish, ['blog'], now, 'es-MX');
    const published = await pressroom.client.publish(
      releaseBody({
        id,
        title: `New park opens ${id}`,
        html: '<p>The new park opens on Saturday.</p>',
        translations: [{ language: 'es', title: `Abre el nuevo parque ${id}`, summary: 'El parque abre el sábado.', markdown: 'El nuevo parque **abre** el sábado.' }],
      }),
    );
    expect(published.status).toBe(202);
    await pressroom.settle();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));

  it('the Spanish reader gets the Spanish title, body and footer; the English reader gets English', async () => {
    const [es] = await mailTo(spanish);
    expect(es.subject).toBe(`Abre el nuevo parque ${id}`);
    expect(String(es.html)).toContain('<html lang="es"');
    expect(String(es.html)).toContain('El nuevo parque <strong>abre</strong> el sábado.');
    expect(String(es.html)).toContain('Darse de baja');
    expect(es.text).toContain('Darse de baja');
    expect(String(es.html)).not.toContain('Unsubscribe<');
    expect(String(es.html)).not.toContain('The new park opens');

    const [en] = await mailTo(english);
    expect(en.subject).toBe(`New park opens ${id}`);
    expect(String(en.html)).toContain('The new park opens on Saturday.');
    expect(String(en.html)).toContain('Unsubscribe');
    expect(String(en.html)).not.toContain('Darse de baja');
    expect(String(en.html)).not.toContain('sábado');
  });

  it('the web version has a Spanish page, and every version names all of them as hreflang alternates', async () => {
    const base = pressroom.url.replace(/\/$/, '');
    const alternates = (page: string) => [...page.matchAll(/<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"/g)].map((m) => [m[1], m[2].replace(/&amp;/g, '&')]);
    const expected = [
      ['en', `${base}/releases/${id}`],
      ['es', `${base}/releases/${id}?lang=es`],
      ['x-default', `${base}/releases/${id}`],
    ];

    const es = await (await fetch(`${base}/releases/${id}?lang=es`)).text();
    expect(es).toContain('<html lang="es">');
    expect(es).toContain(`<h1>Abre el nuevo parque ${id}</h1>`);
    expect(es).toContain('El nuevo parque <strong>abre</strong> el sábado.');
    expect(es).toContain(`<link rel="canonical" href="${base}/releases/${id}?lang=es"/>`);
    expect(alternates(es)).toEqual(expected);

    const en = await (await fetch(`${base}/releases/${id}`)).text();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(`<h1>New park opens ${id}</h1>`);
    expect(alternates(en)).toEqual(expected);
    // A language the release has no translation into shows its own.
    expect(await (await fetch(`${base}/releases/${id}?lang=fr`)).text()).toContain(`<h1>New park opens ${id}</h1>`);
  });

  it('the Spanish feed carries the Spanish version; the main feed the original', async () => {
    const es = parseFeed(await (await fetch(`${pressroom.url}/feeds/all.es.atom`)).text());
    const entry = es.items.find((item) => item.title?.includes(id));
    expect(entry?.title).toBe(`Abre el nuevo parque ${id}`);
    expect(entry?.content).toContain('sábado');
    expect(es.items.every((item) => !item.title?.startsWith('Spring update'))).toBe(true);
    const all = parseFeed(await (await fetch(`${pressroom.url}/feeds/all.atom`)).text());
    expect(all.items.find((item) => item.title?.includes(id))?.title).toBe(`New park opens ${id}`);
  });

  it('a list named per language: the Spanish sign-up page shows the Spanish names and descriptions, the English page the own', async () => {
    const patch = (listId: string, body: unknown) =>
      fetch(`${pressroom.url}/admin/lists/${listId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pressroom.secrets.adminToken}` },
        body: JSON.stringify(body),
      });
    const answer = await patch('press-releases', { names: { ES: 'Comunicados de prensa' }, descriptions: { es: 'Nuestros comunicados oficiales' } });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ names: { es: 'Comunicados de prensa' }, descriptions: { es: 'Nuestros comunicados oficiales' } });
    expect((await patch('blog', { names: { es: 'Bitácora' } })).status).toBe(200);
    expect((await patch('blog', { names: { 'not a tag': 'x' } })).status).toBe(400);

    const es = await (await fetch(`${pressroom.url}/subscribe?lang=es`)).text();
    expect(es).toContain('<label for="list-press-releases">Comunicados de prensa</label>');
    expect(es).toContain('Nuestros comunicados oficiales');
    expect(es).toContain('<label for="list-blog">Bitácora</label>');
    const en = await (await fetch(`${pressroom.url}/subscribe`)).text();
    expect(en).toContain('<label for="list-press-releases">Press Releases</label>');
    expect(en).not.toContain('Comunicados de prensa');

    // A Spanish sign-up: the confirmation email and page name the lists in Spanish too.
    const reader = `lector-${id}@example.com`;
    await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: reader, lists: ['press-releases'], language: 'es' }) });
    await pressroom.settle();
    const [confirmation] = await mailTo(reader);
    expect(confirmation.text).toContain('Comunicados de prensa');
    const link = /href="([^"]*\/confirm\/[^"]+)"/.exec(String(confirmation.html))![1].replace(/&amp;/g, '&');
    expect(await (await fetch(link)).text()).toContain('<strong>Comunicados de prensa</strong>');
  });

  it('staff preview every version and test-send a translation', async () => {
    const admin = (path: string, body: unknown) =>
      fetch(`${pressroom.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pressroom.secrets.adminToken}` },
        body: JSON.stringify(body),
      });
    const preview = (await (
      await admin('/admin/releases/preview', releaseBody({ id: `preview-${id}`, translations: [{ language: 'es', title: 'Vista previa', html: '<p>Hola.</p>' }] }))
    ).json()) as { subject: string; translations: { language: string; subject: string; html: string }[] };
    expect(preview.subject).toBe('Spring update');
    expect(preview.translations.map((t) => [t.language, t.subject])).toEqual([['es', 'Vista previa']]);
    expect(preview.translations[0].html).toContain('Darse de baja');

    const staff = `editor-${id}@example.org`;
    expect((await admin(`/admin/releases/${id}/test`, { to: [staff], language: 'es' })).status).toBe(200);
    expect((await mailTo(staff)).map((m) => m.subject)).toEqual([`[TEST] Abre el nuevo parque ${id}`]);
    expect((await admin(`/admin/releases/${id}/test`, { to: [staff], language: 'fr' })).status).toBe(404);
  });
});
