import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessibleAtBothWidths, launchBrowser, newPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * A release's Spanish web version in Chromium: in Spanish throughout, accessible at both widths, and
 * its subscribe call leads to the Spanish sign-up page with the lists named in Spanish.
 */
describe('translated public pages (Chromium)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom(), launching]);
    await pressroom.client.publish(
      releaseBody({
        id: 'harbour-cleanup',
        title: 'Volunteers clear the harbour',
        html: '<p>Volunteers cleared three tonnes of rubbish from the harbour.</p>',
        lists: ['blog', 'press-releases'],
        tags: ['environment'],
        publishedAt: '2026-11-30T10:00:00.000Z',
        translations: [{ language: 'es', title: 'Voluntarios limpian el puerto', markdown: 'Los voluntarios retiraron tres toneladas de basura del puerto.' }],
      }),
    );
    for (const [id, name] of [['blog', 'Bitácora'], ['press-releases', 'Comunicados de prensa']]) {
      await fetch(`${pressroom.url}/admin/lists/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${pressroom.secrets.adminToken}` },
        body: JSON.stringify({ names: { es: name } }),
      });
    }
    await pressroom.settle();
  });
  afterAll(async () => {
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('the Spanish web version reads in Spanish, names every version, and subscribes in Spanish', async () => {
    const { page, blockedRequests, close } = await newPage(browser);
    try {
      expect((await page.goto(`${pressroom.url}/releases/harbour-cleanup?lang=es`))?.status()).toBe(200);
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Voluntarios limpian el puerto');
      expect(await page.locator('link[rel="alternate"][hreflang]').evaluateAll((links) => links.map((l) => l.getAttribute('hreflang')))).toEqual(['en', 'es', 'x-default']);
      await expectAccessibleAtBothWidths(page, 'public-web-version-es', { noSideScroll: true });
      await page.getByRole('link', { name: 'Suscribirse' }).click();
      await page.waitForURL(/\/subscribe\?.*lang=es/);
      expect(await page.getByLabel('Bitácora').isChecked()).toBe(true);
      expect(await page.getByLabel('Comunicados de prensa').isChecked()).toBe(true);
      await expectAccessibleAtBothWidths(page, 'public-signup-es-list-names', { noSideScroll: true });
      expect(blockedRequests).toEqual([]);
    } finally {
      await close();
    }
  });
});
