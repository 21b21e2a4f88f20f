import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { launchBrowser, newPage, screenshot } from '../helpers/browser';

/**
 * The release email as a reader's browser-based client would show it: rendered by the real
 * renderer, laid out by Chromium at desktop (600 px) and phone (375 px) widths, with PNGs written to
 * tests/output/screenshots for a person to look at.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const renderer = new MjmlRenderer({
  templatesDir: join(root, 'templates'),
  brand: { organisationName: "America's Voice", postalAddress: '1201 Example Ave NW, Washington, DC 20005', accentColour: '#b3261e' },
  publicUrl: 'https://news.example.org',
});

async function releaseFrom(path: string): Promise<Release> {
  const input = parseReleaseInput(JSON.parse(await readFile(path, 'utf8')), new Set(['blog', 'press-releases']));
  return newRelease({ publishedAt: '2026-03-20T15:00:00Z', ...input }, new Date('2026-03-21T08:00:00Z'));
}

const emails = [
  { name: 'sample', file: join(root, 'examples/ice-retaliation.json'), heading: 'ICE Retaliation and Intimidation', footer: 'Unsubscribe' },
  { name: 'spanish', file: join(root, 'tests/fixtures/releases/spanish-release.json'), heading: 'La reforma migratoria', footer: 'Darse de baja' },
];

describe('release email in Chromium', () => {
  let browser: Browser;
  const html = new Map<string, string>();

  beforeAll(async () => {
    const launching = launchBrowser();
    for (const { name, file } of emails) html.set(name, (await renderer.render(await releaseFrom(file))).html);
    browser = await launching;
  });
  afterAll(() => browser?.close());

  describe.each(emails)('$name release', ({ name, heading, footer }) => {
    it.each([600, 375])('lays out at %i px without horizontal scrolling, running nothing hostile', async (width) => {
      const { page, blockedRequests, close } = await newPage(browser, { width, height: 900 });
      try {
        const dialogs: string[] = [];
        page.on('dialog', (dialog) => {
          dialogs.push(dialog.message());
          void dialog.dismiss();
        });
        await page.setContent(html.get(name)!, { waitUntil: 'load' });

        // document.documentElement.scrollWidth: wider than the viewport means the reader scrolls sideways.
        expect(await page.locator('html').evaluate((root) => root.scrollWidth)).toBeLessThanOrEqual(width);
        const title = await page.locator('h1').boundingBox();
        expect(title?.width).toBeGreaterThan(width / 2);
        expect(await page.locator('h1').textContent()).toContain(heading);
        expect(await page.getByRole('link', { name: footer, exact: true }).isVisible()).toBe(true);
        expect(await page.getByRole('link', { name: 'Bluesky' }).isVisible()).toBe(true);
        // Every image fits the column, including one whose source could not load.
        for (const box of await page.locator('img').evaluateAll((imgs) => imgs.map((img) => img.getBoundingClientRect().right))) {
          expect(box).toBeLessThanOrEqual(width);
        }

        // Hostile markup in the release is gone from the DOM and ran nothing.
        expect(await page.locator('script, iframe, form, input, [onerror], [onclick], a[href^="javascript:"]').count()).toBe(0);
        expect(dialogs).toEqual([]);
        expect(await page.locator('body').textContent()).not.toContain('pwned');

        // The only loads attempted are the release's own images on example.org (blocked by the harness):
        // nothing from share networks, fonts or trackers.
        expect(blockedRequests.filter((url) => new URL(url).hostname !== 'example.org')).toEqual([]);
        await screenshot(page, `release-${name}-${width}`);
      } finally {
        await close();
      }
    });
  });

  it("the Spanish fixture's image was the kind of request blocked, and the page laid out around it", async () => {
    const { page, blockedRequests, close } = await newPage(browser, { width: 375, height: 900 });
    try {
      await page.setContent(html.get('spanish')!, { waitUntil: 'load' });
      expect(blockedRequests).toContain('https://example.org/imagenes/manifestacion.jpg');
      expect(await page.locator('html').getAttribute('lang')).toBe('es');
      expect(await page.locator('.release-body li').count()).toBe(3);
      const image = page.getByAltText('Manifestantes frente al Capitolio', { exact: false });
      expect((await image.boundingBox())!.width).toBeLessThanOrEqual(375);
      expect(await page.getByText('Somos parte de este país').isVisible()).toBe(true);
    } finally {
      await close();
    }
  });
});
