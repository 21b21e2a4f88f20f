import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessibleAtBothWidths, launchBrowser, newPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * The reader's public pages in Chromium: a release's web version, the archive, and the sign-up form
 * as the README documents it, pasted into a page of the organisation's own site (a local server on
 * another port, whose origin is configured). Each is checked with axe at 1280 and 375 px.
 */
describe('public pages in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let site: Server;
  let siteUrl = '';

  /** The organisation's page, with the README's embeddable form pasted in. */
  const embeddingPage = () => `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Our newsletter · Example</title>
<style>body { font: 16px/1.5 sans-serif; margin: 2rem auto; max-width: 36rem; padding: 0 1rem; } label, legend { display: block; font-weight: 600; } fieldset label { font-weight: 400; } input, select, button { font: inherit; margin: .25rem 0 1rem; } button { background: #1d4ed8; color: #fff; border: 0; padding: .6rem 1rem; }</style>
</head>
<body><main><h1>Our newsletter</h1>
<form method="post" action="${pressroom.url}/subscribe">
  <label for="pressroom-email">Email address</label>
  <input id="pressroom-email" name="email" type="email" autocomplete="email" required>
  <fieldset>
    <legend>What would you like to receive?</legend>
    <label><input type="checkbox" name="lists" value="blog" checked> Blog</label>
    <label><input type="checkbox" name="lists" value="press-releases"> Press Releases</label>
  </fieldset>
  <label for="pressroom-language">Language</label>
  <select id="pressroom-language" name="language">
    <option value="en">English</option>
    <option value="es" lang="es">Español</option>
  </select>
  <input type="hidden" name="return_to" value="${siteUrl}/thanks">
  <button type="submit">Subscribe</button>
</form></main></body></html>`;

  beforeAll(async () => {
    site = createServer((request, response) => {
      response.setHeader('content-type', 'text/html; charset=utf-8');
      if (request.url === '/thanks') return response.end('<!doctype html><html lang="en"><head><title>Thanks</title></head><body><main><h1>Thank you: check your inbox</h1></main></body></html>');
      response.end(embeddingPage());
    });
    await new Promise<void>((done) => site.listen(0, '127.0.0.1', done));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom({ env: { PRESSROOM_SIGNUP_ORIGINS: siteUrl } }), launching]);
    const release = releaseBody({
      id: 'harbour-cleanup',
      title: 'Volunteers clear the harbour',
      url: 'https://example.org/news/harbour-cleanup',
      html: '<p>Volunteers cleared three tonnes of rubbish from the harbour on Saturday. The council thanked everyone who came.</p><h2>What comes next</h2><p>A second day is planned for the spring, with more skips and a boat.</p>',
      lists: ['blog', 'press-releases'],
      tags: ['environment', 'volunteers'],
      author: 'Ada Lovelace',
      publishedAt: '2026-11-30T10:00:00.000Z',
    });
    await pressroom.client.publish(release);
    await pressroom.client.publish({ ...release, html: (release.html as string).replace('Saturday', 'Sunday'), correction: 'The cleanup was on Sunday, not Saturday.' });
    await pressroom.client.publish(releaseBody({ id: 'spring-update', title: 'Spring update', tags: ['news'], publishedAt: '2026-11-20T10:00:00.000Z' }));
    await pressroom.settle();
  });
  afterAll(async () => {
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
    await new Promise((done) => site?.close(done));
  });

  it('the web version is a page of its own: headings, tags, the correction and a way to subscribe, and nothing from elsewhere', async () => {
    const { page, blockedRequests, close } = await newPage(browser);
    try {
      expect((await page.goto(`${pressroom.url}/releases/harbour-cleanup`))?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Volunteers clear the harbour');
      expect(await page.getByRole('list', { name: 'Topics' }).getByRole('listitem').allTextContents()).toEqual(['environment', 'volunteers']);
      expect(await page.locator('.correction').textContent()).toMatch(/^Updated .+\. The cleanup was on Sunday, not Saturday\.$/);
      expect(await page.getByText('View in browser').count()).toBe(0);
      await expectAccessibleAtBothWidths(page, 'public-web-version', { noSideScroll: true });
      await page.getByRole('link', { name: 'Subscribe' }).click();
      await page.waitForURL(/\/subscribe\?/);
      expect(await page.getByLabel('Blog').isChecked()).toBe(true);
      expect(await page.getByLabel('Press Releases').isChecked()).toBe(true);
      expect(blockedRequests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the archive shows summaries, tags and dates, and its list selector filters without script', async () => {
    const { page, blockedRequests, close } = await newPage(browser);
    try {
      await page.goto(`${pressroom.url}/archive`);
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Volunteers clear the harbour', 'Spring update', 'Feeds']);
      expect(await page.getByText('Volunteers cleared three tonnes of rubbish from the harbour on Sunday.').count()).toBe(1);
      await expectAccessibleAtBothWidths(page, 'public-archive', { noSideScroll: true });
      await page.getByLabel('Show releases of').selectOption('press-releases');
      await Promise.all([page.waitForURL(/\/archive\?list=press-releases$/), page.getByRole('button', { name: 'Show' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Archive: Press Releases');
      expect(await page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Volunteers clear the harbour', 'Feeds']);
      expect(blockedRequests).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the form embedded on the organisation\'s site signs a reader up and returns to that site\'s thank-you page', async () => {
    const { page, close } = await newPage(browser);
    try {
      await page.goto(siteUrl);
      await expectAccessibleAtBothWidths(page, 'public-embedded-form', { noSideScroll: true });
      await page.getByLabel('Email address').fill('embedded-reader@example.com');
      await page.getByLabel('Press Releases').check();
      await Promise.all([page.waitForURL(`${siteUrl}/thanks`), page.getByRole('button', { name: 'Subscribe' }).click()]);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Thank you: check your inbox');
      await pressroom.settle();
      const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes('embedded-reader@example.com'));
      expect(confirmation?.subject).toMatch(/Confirm your subscription/);
      expect(confirmation?.text).toMatch(/Blog[\s\S]*Press Releases/);
    } finally {
      await close();
    }
  });
});
