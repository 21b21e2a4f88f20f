import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, newPage, screenshot, seriousViolations, type TestPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/** The local mailbox a developer opens after `npm start`: the list of sent mail and each rendered email. */
describe('local mailbox page in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let tab: TestPage;

  beforeAll(async () => {
    // Chromium starts while the stack does; afterAll closes it even if the stack failed to start.
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom(), launching]);
    expect((await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ title: 'Spring update' }))).status).toBe(202);
    await pressroom.settle();
    tab = await newPage(browser, { width: 1024, height: 768 });
  });
  afterAll(async () => {
    await tab?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('lists the sent message and passes axe', async () => {
    const { page, blockedRequests } = tab;
    const response = await page.goto(pressroom.mailboxUrl);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('Local mailbox (1)');
    const rows = page.locator('tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.first().textContent()).toContain('reader@example.com');
    expect(await page.getByRole('link', { name: 'Spring update' }).isVisible()).toBe(true);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'mailbox-1024');
    expect(blockedRequests).toEqual([]);
  });

  it("the subject links to the email's rendered HTML", async () => {
    const { page } = tab;
    await page.goto(pressroom.mailboxUrl);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/html')),
      page.getByRole('link', { name: 'Spring update' }).click(),
    ]);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/html/);
    await page.waitForLoadState();
    expect(page.url()).toMatch(new RegExp(`^${pressroom.url}/local/mail/[^/]+/html$`));
    expect(await page.locator('body').textContent()).toContain('Hello readers.');
    await screenshot(page, 'mailbox-email-1024');
  });
});
