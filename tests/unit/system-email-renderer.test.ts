import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrecompiledSystemEmailRenderer } from '../../functions/adapters/render/confirmation-email';
import { MjmlSystemEmailRenderer } from '../../functions/adapters/render/system-email-renderer';

const brand = { organisationName: 'Example & Co', postalAddress: '1 Main St, Springfield', accentColour: '#b3261e' };
const confirmUrl = 'https://news.example.org/confirm/k1.eyJwIjoiY29uZmlybSJ9.c2ln';

// The wiring sends the precompiled email; the MJML one is its definition (confirmation-email.test.ts).
describe.each([
  { name: 'precompiled', renderer: new PrecompiledSystemEmailRenderer({ brand }) },
  { name: 'MJML at run time', renderer: new MjmlSystemEmailRenderer({ templatesDir: resolve(import.meta.dirname, '../../templates'), brand }) },
])('confirmation email ($name, release brand)', ({ renderer }) => {
  it('has the button, the escaped list names, the expiry note, the ignore note and the postal address in both parts', async () => {
    const { subject, html, text } = await renderer.renderConfirmation({ lists: ['Blog', 'News <&> Views'], confirmUrl });
    expect(subject).toBe('Confirm your subscription to Example & Co');
    expect(html).toContain('<html lang="en"');
    expect(html).toContain(`href="${confirmUrl}"`);
    expect(html).toContain('Confirm subscription');
    expect(html).toContain('News &lt;&amp;&gt; Views');
    expect(html).toContain('#b3261e');
    for (const part of [html, text]) {
      expect(part).toContain('expires in 7 days');
      expect(part).toContain('you will not be subscribed');
      expect(part).toContain('1 Main St, Springfield');
    }
    expect(text).toContain(confirmUrl);
    expect(text).toContain('News <&> Views');
  });

  it('speaks the subscriber language, falling back to English', async () => {
    const es = await renderer.renderConfirmation({ lists: ['Blog'], confirmUrl, language: 'es-MX' });
    expect(es.subject).toBe('Confirme su suscripción a Example & Co');
    expect(es.html).toContain('<html lang="es"');
    expect(es.text).toContain('El enlace caduca en 7 días.');
    expect((await renderer.renderConfirmation({ lists: ['Blog'], confirmUrl, language: 'de' })).subject).toMatch(/^Confirm your/);
  });
});
