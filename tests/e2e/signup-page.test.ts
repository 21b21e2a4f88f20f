import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAccessibility, launchBrowser, newPage, screenshot, seriousViolations, type TestPage } from '../helpers/browser';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * A visitor signs up in a real browser, then follows the link from the confirmation email: the form,
 * the check-your-inbox page, the confirm page and the result, each checked with axe at 375 px.
 */
describe('sign-up and confirmation pages in Chromium', () => {
  const email = 'browser-reader@example.com';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let opened: TestPage;

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom(), launching]);
    opened = await newPage(browser, { width: 375, height: 800 });
  });
  afterAll(async () => {
    await opened?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const expectAccessible = async (name: string) => {
    expect(seriousViolations(await checkAccessibility(opened.page))).toEqual([]);
    await screenshot(opened.page, name);
  };

  it('a visitor fills in the form by its labels, submits, and sees the check-your-inbox page', async () => {
    const { page, blockedRequests } = opened;
    expect((await page.goto(`${pressroom.url}/subscribe`))?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Subscribe to our news');
    await expectAccessible('signup-form-375');

    await page.getByLabel('Email address').fill(email);
    await page.getByRole('group', { name: 'What would you like to receive?' }).getByLabel('Blog').check();
    await page.getByLabel('Language for our emails to you').selectOption('en');
    await Promise.all([page.waitForURL(`${pressroom.url}/subscribe`), page.getByRole('button', { name: 'Subscribe' }).click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');
    await expectAccessible('signup-check-inbox-375');
    expect(blockedRequests).toEqual([]);
  });

  it('the honeypot field is off-screen, hidden from assistive technology and skipped by Tab; a person who never sees it signs up', async () => {
    const { page } = opened;
    const person = 'keyboard-reader@example.com';
    await page.goto(`${pressroom.url}/subscribe`);
    const trap = page.locator('input[name="website"]');
    expect(await trap.count()).toBe(1);

    // Rendered (a box, so not display:none, which some bots skip) but wholly outside the 375 × 800
    // window, or too small to see.
    const box = await trap.boundingBox();
    expect(box).not.toBeNull();
    const viewport = page.viewportSize()!;
    const unseen = box!.width * box!.height <= 1 || box!.x + box!.width <= 0 || box!.y + box!.height <= 0 || box!.x >= viewport.width || box!.y >= viewport.height;
    expect(unseen, `trap box ${JSON.stringify(box)}`).toBe(true);
    // Inside an aria-hidden subtree, so screen readers do not announce it: the only textbox they get is the address.
    expect(await trap.evaluate((el) => el.closest('[aria-hidden="true"]') !== null)).toBe(true);
    expect(await page.getByRole('textbox').evaluateAll((els) => els.map((el) => el.id))).toEqual(['email']);

    // Tab goes from the address straight to the first list, and Shift+Tab straight back.
    const focused = () => page.locator(':focus').getAttribute('id');
    const firstList = await page.getByRole('group', { name: 'What would you like to receive?' }).getByRole('checkbox').first().getAttribute('id');
    await page.getByLabel('Email address').fill(person);
    await page.keyboard.press('Tab');
    expect(await focused()).toBe(firstList);
    await page.keyboard.press('Shift+Tab');
    expect(await focused()).toBe('email');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await Promise.all([page.waitForURL(`${pressroom.url}/subscribe`), page.getByRole('button', { name: 'Subscribe' }).click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Check your inbox');
    await pressroom.settle();
    expect((await pressroom.adapters.subscribers.findByEmail(person))?.memberships).toEqual([expect.objectContaining({ listId: firstList!.replace(/^list-/, ''), status: 'pending' })]);
    expect((await pressroom.client.mail()).filter((m) => m.to.includes(person))).toHaveLength(1);
  });

  it('a form sent back with errors says what to fix and stays accessible', async () => {
    const { page } = opened;
    await page.goto(`${pressroom.url}/subscribe`);
    // The browser's own check would stop an empty list choice only with scripts; send it as is.
    await page.getByLabel('Email address').fill('someone@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toContain('Choose at least one of the lists offered.');
    await expectAccessible('signup-form-errors-375');
  });

  it('the link from the email opens the confirm page; clicking the button shows the success page', async () => {
    const { page, blockedRequests } = opened;
    const [mail] = (await pressroom.client.mail()).filter((m) => m.to.includes(email));
    const link = /href="([^"]*\/confirm\/[^"]+)"/.exec(String(mail.html))![1];

    expect((await page.goto(link))?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Confirm your subscription');
    expect(await page.locator('main').textContent()).toContain('Blog');
    await expectAccessible('confirm-375');

    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Confirm subscription' }).click(),
    ]);
    expect(response.status()).toBe(200);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('You are subscribed');
    await expectAccessible('confirm-done-375');
    expect(blockedRequests).toEqual([]);

    const subscriber = await pressroom.adapters.subscribers.findByEmail(email);
    expect(subscriber!.memberships).toEqual([expect.objectContaining({ listId: 'blog', status: 'confirmed' })]);
  });

  it('a damaged link shows the generic 400 page, which passes axe', async () => {
    const { page } = opened;
    expect((await page.goto(`${pressroom.url}/confirm/not-a-token`))?.status()).toBe(400);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
    await expectAccessible('confirm-invalid-375');
  });
});
