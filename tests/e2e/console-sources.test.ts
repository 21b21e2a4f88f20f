import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessibleAtBothWidths, launchBrowser, newPage, type TestPage } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

const wordpressFeed = readFileSync(join(import.meta.dirname, '../fixtures/feeds/wordpress/feed-rss2.xml'), 'utf8');

/**
 * An admin adds a WordPress feed in a real browser (first with a mistake the form shows beside its
 * field), polls it now and sees its posts; the add form with its error, the source page with posts
 * and the list are each checked with axe at 1280 and 375 px.
 */
describe('console sources in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let admin: TestPage;
  let site: Server;
  let feedUrl = '';

  beforeAll(async () => {
    // The fixture WordPress wrote (two posts), served on loopback, which local mode may fetch.
    site = createServer((_request, response) => response.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8' }).end(wordpressFeed));
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    feedUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/feed/`;
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom({ env: { PRESSROOM_STAFF: 'admin@example.org=admin' } }), launching]);
    admin = await newPage(browser, { width: 1280, height: 800 });
    admin.page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await admin?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('adds a feed from the form (an error shown beside its field first), polls it now, and shows its posts and the list', async () => {
    const { page } = admin;
    await new ConsoleClient(pressroom).signInPage(page, 'admin@example.org');

    await Promise.all([page.waitForURL(`${pressroom.url}/console/sources`), page.getByRole('link', { name: 'Sources' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sources');

    // No address: the service says so, beside the field, and the rest stays as typed.
    await page.getByLabel('Name (optional)').fill('Example Org blog');
    await page.getByLabel('Category or tag, row 1').fill('Blog');
    await page.getByLabel('List for row 1').selectOption('blog');
    await page.getByLabel('List for everything else').selectOption('press-releases');
    await page.getByLabel('Keep new posts as drafts (an editor publishes each one)').check();
    await Promise.all([page.waitForURL(`${pressroom.url}/console/sources`), page.getByRole('button', { name: 'Add source' }).click()]);
    await page.waitForLoadState();
    expect(await page.locator('#new-url-error').textContent()).toBe('must be an absolute http(s) URL');
    expect(await page.getByLabel('Feed URL').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Name (optional)').inputValue()).toBe('Example Org blog');
    expect(await page.getByLabel('List for everything else').inputValue()).toBe('press-releases');
    expect(await page.getByLabel('Keep new posts as drafts (an editor publishes each one)').isChecked()).toBe(true);
    await expectAccessibleAtBothWidths(page, 'console-sources-add-error', { noSideScroll: true });

    await page.getByLabel('Feed URL').fill(feedUrl);
    await Promise.all([page.waitForURL(/\/console\/sources\/src-[0-9a-f]{8}\?done=added$/), page.getByRole('button', { name: 'Add source' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toContain('The source is added.');

    await Promise.all([page.waitForURL(/\?done=polled&status=ok/), page.getByRole('button', { name: 'Poll now' }).click()]);
    expect(await page.getByRole('status').first().textContent()).toBe('Polled: 2 seen.');
    const rows = page.locator('section[aria-labelledby="posts-heading"] tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.filter({ hasText: 'Spring volunteer training: sign up now' }).getByRole('button', { name: /Publish now/ }).isVisible()).toBe(true);
    await expectAccessibleAtBothWidths(page, 'console-source', { noSideScroll: true });

    await Promise.all([page.waitForURL(`${pressroom.url}/console/sources`), page.getByRole('link', { name: 'Sources', exact: true }).first().click()]);
    const listed = page.locator('main tbody tr').filter({ hasText: 'Example Org blog' });
    expect(await listed.locator('td[data-label="New posts"]').textContent()).toBe('Keep new posts as drafts');
    expect(await listed.locator('td[data-label="Posts known"]').textContent()).toBe('2');
    await expectAccessibleAtBothWidths(page, 'console-sources', { noSideScroll: true });
  });
});
