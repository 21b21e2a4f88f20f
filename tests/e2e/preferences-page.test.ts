import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, newPage, screenshot, seriousViolations, type TestPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { listUnsubscribeUrl } from '../helpers/mail';
import { preferencesLink } from '../helpers/preference-links';
import { releaseBody } from '../helpers/releases';

/**
 * A subscriber follows the "Manage preferences" link of a real email in a real browser, changes
 * lists and saves; another uses the unsubscribe page's "all lists" button. Each page is checked with
 * axe and photographed at 375 px (a small phone).
 */
describe('preference centre in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  const links = new Map<string, { preferences: string; unsubscribe: string }>();
  const pages: TestPage[] = [];
  const open = async () => {
    const opened = await newPage(browser, { width: 375, height: 800 });
    pages.push(opened);
    return opened;
  };
  const statuses = async (email: string) =>
    Object.fromEntries((await pressroom.adapters.subscribers.findByEmail(email))!.memberships.map((m) => [m.listId, m.status]));

  beforeAll(async () => {
    // Chromium starts while the stack does; afterAll closes it even if the stack failed to start.
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom(), launching]);
    const added = await pressroom.client.addSubscribers([
      { email: 'reader@example.com', lists: ['blog'] },
      { email: 'leaver@example.com', lists: ['blog', 'press-releases'] },
    ]);
    expect(added.status).toBe(200);
    expect((await pressroom.client.publish(releaseBody())).status).toBe(202);
    await pressroom.settle();
    for (const mail of await pressroom.client.mail()) {
      links.set(mail.to[0], { preferences: preferencesLink(mail)!, unsubscribe: listUnsubscribeUrl(mail)! });
    }
  });
  afterAll(async () => {
    await Promise.all(pages.map((p) => p.close()));
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  it('given the link from the email, shows the lists as checkboxes and passes axe', async () => {
    const { page, blockedRequests } = await open();
    const response = await page.goto(links.get('reader@example.com')!.preferences);
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your email preferences');
    expect(await page.locator('main').textContent()).toContain('r•••@example.com');
    expect(await page.getByRole('checkbox', { name: 'Blog' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Press Releases' }).isChecked()).toBe(false);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'preferences-375');
    expect(blockedRequests).toEqual([]);
  });

  it('when the reader ticks Press Releases and saves, the page says so, shows both ticked, and the store agrees', async () => {
    const { page, blockedRequests } = await open();
    await page.goto(links.get('reader@example.com')!.preferences);
    await page.getByRole('checkbox', { name: 'Press Releases' }).check();
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save preferences' }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.getByRole('status').textContent()).toBe('Your preferences are saved.');
    expect(await page.getByRole('checkbox', { name: 'Blog' }).isChecked()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Press Releases' }).isChecked()).toBe(true);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'preferences-saved-375');
    expect(blockedRequests).toEqual([]);
    expect(await statuses('reader@example.com')).toEqual({ blog: 'confirmed', 'press-releases': 'confirmed' });
  });

  it('the unsubscribe page offers "Unsubscribe from all lists" and a link here; the button leaves every list', async () => {
    const { page, blockedRequests } = await open();
    await page.goto(links.get('leaver@example.com')!.unsubscribe);
    expect(await page.getByRole('link', { name: 'Manage your preferences' }).getAttribute('href')).toMatch(/^\.\.\/preferences\//);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'unsubscribe-all-confirm-375');
    await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Unsubscribe from all lists' }).click(),
    ]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are unsubscribed');
    expect(await page.locator('main').textContent()).toContain('You have left all our lists');
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'unsubscribe-all-done-375');
    expect(await statuses('leaver@example.com')).toEqual({ blog: 'unsubscribed', 'press-releases': 'unsubscribed' });

    // "Changed your mind?" leads back to the preference centre, where nothing is ticked any more.
    await page.getByRole('link', { name: 'Manage your preferences' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your email preferences');
    expect(await page.getByRole('checkbox', { checked: true }).count()).toBe(0);
    expect(blockedRequests).toEqual([]);
  });

  it('a tampered preferences link answers 400 with a page that passes axe', async () => {
    const { page } = await open();
    const url = links.get('reader@example.com')!.preferences;
    const at = url.lastIndexOf('.') + 1;
    const response = await page.goto(url.slice(0, at) + (url[at] === 'A' ? 'B' : 'A') + url.slice(at + 1));
    expect(response?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
    expect(await page.getByRole('checkbox').count()).toBe(0);
    expect(seriousViolations(await checkAccessibility(page))).toEqual([]);
    await screenshot(page, 'preferences-invalid-375');
  });
});
