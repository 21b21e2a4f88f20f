import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrecompiledWelcomeRenderer } from '../../functions/adapters/render/welcome-email';
import { welcomeEmailModule, WELCOME_GENERATED_FILE } from '../../scripts/compile-system-emails';

/** The welcome email's precompiled shell (templates/welcome.mjml → generated/welcome-email.ts). */
describe('the welcome email shell', () => {
  const brand = { organisationName: 'Example & Co', postalAddress: '1 Example Street', accentColour: '#0b5394' };
  const input = {
    subject: 'Welcome <friend>',
    bodyHtml: '<h2>Hello</h2><p>Body <strong>text</strong></p>',
    listName: 'Blog',
    unsubscribeUrl: 'https://news.example.org/unsubscribe/k1.a.b',
    preferencesUrl: 'https://news.example.org/preferences/k1.c.d',
  };

  it('is up to date with templates/ (else run `npm run emails`)', async () => {
    expect(await readFile(WELCOME_GENERATED_FILE, 'utf8')).toBe(await welcomeEmailModule(resolve(import.meta.dirname, '../../templates')));
  });

  it('places the body as given, escapes every other value, and links the footer per recipient', async () => {
    const { subject, html, text } = await new PrecompiledWelcomeRenderer({ brand }).renderWelcome(input);
    expect(subject).toBe('Welcome <friend>');
    expect(html).toContain('<title>Welcome &lt;friend&gt;</title>');
    expect(html).toContain('<h2>Hello</h2><p>Body <strong>text</strong></p>');
    expect(html).toContain('Example &amp; Co');
    expect(html).toContain(`href="${input.unsubscribeUrl}"`);
    expect(html).toContain(`href="${input.preferencesUrl}"`);
    expect(html).toContain('#0b5394');
    expect(text).toContain('Hello');
    expect(text).toContain('You receive this because you joined Blog from Example & Co.');
  });

  it("gives the inbox the body's first sentence as its preview, hidden in the HTML and absent from the text part", async () => {
    const render = (bodyHtml: string) => new PrecompiledWelcomeRenderer({ brand }).renderWelcome({ ...input, subject: 'Welcome to Blog', bodyHtml });
    const preview = (html: string) => /<div style="display:none;[^"]*">([^<]*)<\/div>/.exec(html)?.[1];

    const { html, text } = await render('<h2>Welcome to Blog</h2><p>Thanks for joining &amp; reading. Posts come weekly.</p>');
    // The heading that repeats the subject is skipped, and the value is escaped like every other slot.
    expect(preview(html)).toBe('Thanks for joining &amp; reading.');
    expect(text).not.toMatch(/Thanks for joining & reading\.\s*Thanks/);
    expect(text.match(/Thanks for joining/g)).toHaveLength(1);

    const long = `<p>${'word '.repeat(60)}end.</p>`;
    expect(preview((await render(long)).html)).toMatch(/^(word ){20,}word…$/);
    expect(preview((await render('')).html)).toBe('');
  });

  it('speaks Spanish around a Spanish body', async () => {
    const { html, text } = await new PrecompiledWelcomeRenderer({ brand }).renderWelcome({ ...input, language: 'es' });
    expect(html).toContain('<html lang="es"');
    expect(text).toContain('Darse de baja');
    expect(text).toContain('Gestionar preferencias');
  });
});
