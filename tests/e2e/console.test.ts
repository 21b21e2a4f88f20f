import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type TestPage, expectAccessibleAtBothWidths } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * A staff member signs in to the console in a real browser through the link emailed to the local
 * mailbox, and sees the releases page; each page is checked with axe at 1280 and 375 px.
 */
describe('staff console in Chromium', () => {
  const email = 'editor@example.org';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let opened: TestPage;

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom({ env: { PRESSROOM_STAFF: `admin@example.org=admin,${email}=editor` } }), launching]);
    expect((await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] })).status).toBe(200);
    for (const [id, day] of [['console-e2e-older', 1], ['console-e2e-newer', 2]] as const) {
      expect((await pressroom.client.publish(releaseBody({ id, title: `Release ${id}`, publishedAt: `2026-11-0${day}T09:00:00.000Z` }))).status).toBe(202);
    }
    await pressroom.settle();
    opened = await newPage(browser, { width: 1280, height: 800 });
  });
  afterAll(async () => {
    await opened?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const expectAccessible = (name: string) => expectAccessibleAtBothWidths(opened.page, name);

  it('signs in by the emailed link, by keyboard, and lands on the releases, newest first', async () => {
    const { page, blockedRequests } = opened;
    expect((await page.goto(`${pressroom.url}/console`))?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    await expectAccessible('console-sign-in');

    // Keyboard only: the skip link, then the address field, then the button.
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').getAttribute('id')).toBe('email');
    await page.keyboard.type(email);
    await Promise.all([page.waitForURL(`${pressroom.url}/console/sign-in`), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');
    await expectAccessible('console-check-inbox');

    const link = await new ConsoleClient(pressroom).lastLink(email);
    expect(link).toBeDefined();
    expect((await page.goto(`${pressroom.url}${link}`))?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in to the console');
    await expectAccessible('console-sign-in-link');

    await Promise.all([page.waitForURL(`${pressroom.url}/console/releases`), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Releases');
    const rows = page.getByRole('row');
    // The header row, then newest first.
    expect(await rows.nth(1).textContent()).toContain('Release console-e2e-newer');
    expect(await rows.nth(2).textContent()).toContain('Release console-e2e-older');
    // Each went to the one reader: sent 1 of 1, as GET /admin/releases/{id}/send counts it.
    expect(await rows.nth(1).getByRole('progressbar').getAttribute('aria-label')).toBe('Release console-e2e-newer: sent 1 of 1');
    expect(await page.locator('header').textContent()).toContain(`${email} (editor)`);
    // The session cookie is out of reach of script.
    expect(await page.evaluate('document.cookie')).toBe('');
    await expectAccessible('console-releases');
    expect(blockedRequests).toEqual([]);
  });

  it('filters by status and list with the form, and signs out', async () => {
    const { page } = opened;
    await page.getByLabel('Send status').selectOption('cancelled');
    await Promise.all([page.waitForURL(/status=cancelled/), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(await page.getByText('No releases match.').count()).toBe(1);
    await page.getByLabel('Send status').selectOption('');
    await page.getByLabel('List').selectOption('blog');
    await Promise.all([page.waitForURL(/list=blog/), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(await page.getByRole('row').count()).toBe(3);

    await Promise.all([page.waitForURL(`${pressroom.url}/console`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Sign in');
    expect((await page.goto(`${pressroom.url}/console/releases`))?.status()).toBe(401);
  });
});
