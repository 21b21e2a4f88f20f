import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Brand } from '../../functions/adapters/render/brand';
import { PrecompiledSystemEmailRenderer } from '../../functions/adapters/render/confirmation-email';
import { MjmlSystemEmailRenderer } from '../../functions/adapters/render/system-email-renderer';
import { TemplateError } from '../../functions/adapters/render/template';
import { confirmationEmailModule, GENERATED_FILE } from '../../scripts/compile-system-emails';

/**
 * The confirmation email is compiled from MJML at build time (scripts/compile-system-emails.ts). It must
 * be the email the MJML compile at run time makes, byte for byte, whatever the brand and the request.
 */
const templatesDir = resolve(import.meta.dirname, '../../templates');
const brands: Brand[] = [
  { organisationName: 'Example & Co', postalAddress: '1 Main St, Springfield', accentColour: '#b3261e' },
  // Quotes, markup and a `#rgb` colour, which mjml spells `#rrggbb` in colour attributes only.
  { organisationName: `America's "Voice" <Press>`, postalAddress: 'Calle Ñandú 3 & 4, Córdoba', accentColour: '#B32', logoUrl: 'https://cdn.example.org/logo.png?w=200&h="1"' },
  { organisationName: 'Teal Trust', postalAddress: 'PO Box 1', accentColour: 'teal', logoUrl: 'https://cdn.example.org/l.png' },
];
const requests = [
  { lists: ['Blog', 'News <&> Views', "O'Brien's picks"], confirmUrl: 'https://news.example.org/confirm/k1.eyJwIjoiY29uZmlybSJ9.c2ln', language: 'en' },
  { lists: [], confirmUrl: 'https://news.example.org/confirm/k1.a-b_c.d?x=1&y=<2>', language: 'es-MX' },
  { lists: ['Ünïcode — “quotes” {{not a slot}}'], confirmUrl: 'https://news.example.org/confirm/t', language: 'de' },
];

describe('precompiled confirmation email', () => {
  it.each(brands.flatMap((brand) => requests.map((request) => ({ brand, request, name: `${brand.accentColour} ${request.language}` }))))(
    'is what compiling the MJML at run time gives ($name)',
    async ({ brand, request }) => {
      const precompiled = await new PrecompiledSystemEmailRenderer({ brand }).renderConfirmation(request);
      const atRunTime = await new MjmlSystemEmailRenderer({ templatesDir, brand }).renderConfirmation(request);
      expect(precompiled.subject).toBe(atRunTime.subject);
      expect(precompiled.html).toBe(atRunTime.html);
      expect(precompiled.text).toBe(atRunTime.text);
    },
  );

  it.each(brands.map((brand) => ({ brand, name: brand.accentColour })))('makes the staff sign-in email in the same layout as the MJML does ($name)', async ({ brand }) => {
    const request = { signInUrl: 'https://news.example.org/console/sign-in/q3Jx-_abc' };
    const precompiled = await new PrecompiledSystemEmailRenderer({ brand }).renderSignInLink(request);
    const atRunTime = await new MjmlSystemEmailRenderer({ templatesDir, brand }).renderSignInLink(request);
    expect(precompiled).toEqual(atRunTime);
    expect(precompiled.subject).toBe(`Sign in to the ${brand.organisationName} console`);
    expect(precompiled.html).toContain('href="https://news.example.org/console/sign-in/q3Jx-_abc"');
    expect(precompiled.text).toContain('https://news.example.org/console/sign-in/q3Jx-_abc');
    expect(precompiled.text).toContain('The link works once, for 15 minutes.');
    // No list of lists: that is the confirmation's.
    expect(precompiled.html).not.toContain('<li');
  });

  it('is up to date with templates/ (else run `npm run emails`)', async () => {
    expect(await readFile(GENERATED_FILE, 'utf8')).toBe(await confirmationEmailModule(templatesDir));
  });

  it('refuses an accent colour that is not a plain CSS colour, as the MJML renderer does', () => {
    const brand = { ...brands[0], accentColour: 'red; background: url(x)' };
    expect(() => new PrecompiledSystemEmailRenderer({ brand })).toThrow(TemplateError);
  });
});
