import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, newPage, screenshot, seriousViolations, type TestPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { releaseBody } from '../helpers/releases';

/**
 * A subscriber follows the unsubscribe link from a real email in a real browser: the confirmation
 * page, the button, the result, and the page for a damaged link, each checked with axe.
 */
describe('unsubscribe page in Chromium', () => {
  const email = 'reader@example.com';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let unsubscribeUrl: string;
  const pages: TestPage[] = [];
  const open = async (viewport: { width: number; height: number }) => {
    const opened = await newPage(browser, viewport);
    pages.push(opened);
    return opened;
  };

  beforeAll(async () => {
    // Chromium starts while the stack does; afterAll closes it even if the stack failed to start.
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom(), launching]);
    // A member of both lists of a two-list release: the link leaves both, and the page says so.
    expect((await pressroom.client.addSubscribers({ email, lists: ['blog', 'press-releases'] })).status).toBe(200);
    expect((await pressroom.client.publish(releaseBody({ lists: ['blog', 'press-releases'] }))).status).toBe(202);
    await pressroom.settle();
    const [mail] = await pressroom.client.mail();
    unsubscribeUrl = listUnsubscribeUrl(mail)!;
    expect(unsubscribeUrl).toMatch(new RegExp(`^${pressroom.url}/unsubscribe/`));
  });
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close()));
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given the link from the email, the page names both lists, offers the button and passes axe at 375 and 1024 px', async () => {
    const { page, blockedRequests } = await open({ width: 375, height: 800 });
    const response = await page.goto(unsubscribeUrl);
    expect(response?.status()).toBe(200);
    expect(await page.locator('main').textContent()).toContain('Stop receiving Blog and Press Releases emails?');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Unsubscribe?');
    for (const width of [375, 1024]) {
      await page.setViewportSize({ width, height: 800 });
      expect(await page.getByRole('button', { name: 'Unsubscribe', exact: true }).isVisible()).toBe(true);
      expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
      await screenshot(page, `unsubscribe-confirm-${width}`);
    }
    expect(blockedRequests).toEqual([]);
    // Showing the page changes nothing: mail scanners fetch links.
    const subscriber = await pressroom.adapters.subscribers.findByEmail(email);
    expect(subscriber!.memberships.map((m) => m.status)).toEqual(['confirmed', 'confirmed']);
  });

  it('when the subscriber clicks Unsubscribe, the page confirms it and both memberships are unsubscribed', async () => {
    const { page, blockedRequests } = await open({ width: 375, height: 800 });
    await page.goto(unsubscribeUrl);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Unsubscribe', exact: true }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed');
    expect(await page.locator('main').textContent()).toContain('You will no longer receive Blog and Press Releases emails');
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'unsubscribe-done-375');
    expect(blockedRequests).toEqual([]);

    const subscriber = await pressroom.adapters.subscribers.findByEmail(email);
    expect(subscriber!.memberships.map((m) => [m.listId, m.status]).sort()).toEqual([['blog', 'unsubscribed'], ['press-releases', 'unsubscribed']]);
  });

  it('a tampered link answers 400 with a page that passes axe', async () => {
    const { page } = await open({ width: 375, height: 800 });
    // Change the signature's first character (its last one may carry only padding bits).
    const at = unsubscribeUrl.lastIndexOf('.') + 1;
    const tampered = unsubscribeUrl.slice(0, at) + (unsubscribeUrl[at] === 'A' ? 'B' : 'A') + unsubscribeUrl.slice(at + 1);
    const response = await page.goto(tampered);
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
    expect(await page.getByRole('button').count()).toBe(0);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'unsubscribe-invalid-375');
  });
});
