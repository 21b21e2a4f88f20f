import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type TestPage, expectAccessibleAtBothWidths } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * An editor watches a release's send on its console page in Chromium, with the local SES slowed to
 * 5 messages/s so that a send of 30 takes seconds: the figures move without a reload (under the
 * page's own CSP, which the axe page bypasses to inject axe), a send is paused and resumed, the
 * cancel confirmation is reached and left, and a failed post is retried. axe at 1280 and 375 px.
 */
describe('console release page in Chromium', () => {
  const email = 'editor@example.org';
  const readers = 30;
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let opened: TestPage;
  /** A context that keeps the pages' CSP (no bypass): the live script must work under it. */
  let strict: BrowserContext;

  const publish = async (id: string, title: string) => expect((await pressroom.client.publish(releaseBody({ id, title, lists: ['blog'] }))).status).toBe(202);

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([
      startTestPressroom({ sesMaxSendRate: 5, env: { PRESSROOM_STAFF: `${email}=editor`, PRESSROOM_PAUSED_RECHECK_SECONDS: '1' } }),
      launching,
    ]);
    const rows = Array.from({ length: readers }, (_, i) => ({ email: `reader${String(i).padStart(2, '0')}@example.com`, lists: ['blog'] }));
    expect((await pressroom.client.addSubscribers(rows)).status).toBe(200);
    opened = await newPage(browser, { width: 1280, height: 800 });

    // Signs in through the emailed link in the browser, then shares the session with the strict context.
    const { page } = opened;
    await page.goto(`${pressroom.url}/console`);
    await page.getByLabel('Email address').fill(email);
    await Promise.all([page.waitForURL(`${pressroom.url}/console/sign-in`), page.getByRole('button', { name: 'Email me a sign-in link' }).click()]);
    const link = await new ConsoleClient(pressroom).lastLink(email);
    await page.goto(`${pressroom.url}${link}`);
    await Promise.all([page.waitForURL(`${pressroom.url}/console/releases`), page.getByRole('button', { name: 'Sign in' }).click()]);
    strict = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    await strict.addCookies(await page.context().cookies());
  }, 60_000);
  afterAll(async () => {
    await strict?.close();
    await opened?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const expectAccessible = (name: string) => expectAccessibleAtBothWidths(opened.page, name);
  const text = (page: Page, selector: string) => page.locator(selector).innerText();

  it('shows the send moving to its end without a reload, under the page\'s own CSP', { timeout: 90_000 }, async () => {
    await publish('watch-me', 'Watch me go');
    const page = await strict.newPage();
    const problems: string[] = [];
    // A refused script or fetch (CSP) logs an error; failed answers are listed by URL below instead.
    page.on('console', (message) => message.type() === 'error' && !message.text().startsWith('Failed to load resource') && problems.push(message.text()));
    // The browser's own favicon request is no answer of ours.
    page.on('response', (answer) => answer.status() >= 400 && !answer.url().endsWith('/favicon.ico') && problems.push(`${answer.status()} ${answer.url()}`));
    page.on('pageerror', (error) => problems.push(error.message));
    let navigations = 0;
    page.on('framenavigated', (frame) => frame === page.mainFrame() && (navigations += 1));

    // From the releases list, as staff get there.
    await page.goto(`${pressroom.url}/console/releases`);
    await Promise.all([page.waitForURL(`${pressroom.url}/console/releases/watch-me`), page.getByRole('link', { name: 'Watch me go' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Watch me go');
    expect(['queued', 'sending']).toContain(await text(page, '#send-status'));
    const loads = navigations;

    // Every value the sent count takes in the page, as the script writes it.
    // (Strings: they run in the page, and this project's TypeScript has no DOM types.)
    await page.evaluate(`(() => {
      const seen = (globalThis.seenSent = []);
      const cell = document.querySelector('[data-count="sent"]');
      seen.push(cell.textContent);
      new MutationObserver(() => seen.push(cell.textContent)).observe(cell, { childList: true, characterData: true, subtree: true });
    })()`);
    // Locators, not waitForFunction: its string predicate is an eval, which the page's CSP refuses.
    await page.locator('#send-status', { hasText: /^sent$/ }).waitFor({ timeout: 60_000 });
    await page.locator('#live-note', { hasText: /^The send has ended/ }).waitFor({ timeout: 5_000 });

    expect(navigations).toBe(loads);
    const seen = (await page.evaluate('globalThis.seenSent')) as string[];
    // It started below the end and moved there in more than one step, without a reload.
    expect(Number(seen[0])).toBeLessThan(readers);
    expect(new Set(seen).size).toBeGreaterThan(2);
    expect(seen.at(-1)).toBe(String(readers));
    expect(await text(page, '[data-count="targeted"]')).toBe(String(readers));
    expect(await text(page, '#progress-text')).toBe(`Sent ${readers} of ${readers} (100 %)`);
    expect(await page.locator('#send-bar').evaluate((bar) => [(bar as unknown as { value: number }).value, (bar as unknown as { max: number }).max])).toEqual([readers, readers]);
    // The send controls follow the status: none applies to a sent send.
    expect(await page.getByRole('button', { name: 'Pause the send' }).isHidden()).toBe(true);
    expect(await page.getByRole('link', { name: 'Cancel the send…' }).isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();

    await opened.page.goto(`${pressroom.url}/console/releases/watch-me`);
    await expectAccessible('console-release-sent');
    expect(opened.blockedRequests).toEqual([]);
  });

  it('pauses a send, reaches the cancel confirmation and leaves it, and resumes the send to its end', { timeout: 90_000 }, async () => {
    const { page } = opened;
    await publish('pause-me', 'Pause me');
    await page.goto(`${pressroom.url}/console/releases/pause-me`);
    await Promise.all([page.waitForURL(/done=paused/), page.getByRole('button', { name: 'Pause the send' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'The send is paused.' }).count()).toBe(1);
    expect(await text(page, '#send-status')).toBe('paused');
    expect(await text(page, '#paused-note')).toBe(`Paused by ${email}.`);
    expect(await page.getByRole('button', { name: 'Pause the send' }).isHidden()).toBe(true);
    await expectAccessible('console-release-paused');

    await Promise.all([page.waitForURL(/\/pause-me\/cancel$/), page.getByRole('link', { name: 'Cancel the send…' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Cancel this send?');
    await expectAccessible('console-release-cancel');
    await Promise.all([page.waitForURL(/\/pause-me$/), page.getByRole('link', { name: 'Keep sending and go back' }).click()]);
    expect(await text(page, '#send-status')).toBe('paused');

    await Promise.all([page.waitForURL(/done=resumed/), page.getByRole('button', { name: 'Resume the send' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'The send is resumed.' }).count()).toBe(1);
    await page.locator('#send-status', { hasText: /^sent$/ }).waitFor({ timeout: 60_000 });
    expect(await text(page, '[data-count="sent"]')).toBe(String(readers));
  });

  it('retries a failed social post after warning that it may have gone out', { timeout: 30_000 }, async () => {
    const { page } = opened;
    const [post] = await pressroom.adapters.socialPosts.listForRelease('watch-me');
    await pressroom.adapters.socialPosts.markFailed(post, 'HTTP 503: the instance is down', new Date());
    await page.goto(`${pressroom.url}/console/releases/watch-me`);
    const row = page.getByRole('row').filter({ hasText: 'local' });
    expect(await row.textContent()).toContain('Last error: HTTP 503: the instance is down');
    expect(await page.getByText('A post that failed may still have gone out').count()).toBe(1);
    await expectAccessible('console-release-failed-post');

    await Promise.all([page.waitForURL(/done=retried/), page.getByRole('button', { name: 'Retry the local post' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'The post will be tried again' }).count()).toBe(1);
    expect(await page.getByRole('row').filter({ hasText: 'local' }).textContent()).toContain('scheduled');
    expect(await page.getByRole('button', { name: 'Retry the local post' }).count()).toBe(0);

    // And a test send to oneself, the form's default.
    expect(await page.getByLabel('Staff address').inputValue()).toBe(email);
    await Promise.all([page.waitForURL(/done=test-sent/), page.getByRole('button', { name: 'Send a test' }).click()]);
    expect(await page.getByRole('status').filter({ hasText: 'The test email is on its way.' }).count()).toBe(1);
  });
});
