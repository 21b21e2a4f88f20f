import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { launchBrowser, newPage, SCREENSHOT_DIR, type TestPage, expectAccessibleAtBothWidths } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * A contributor composes a release in a real browser, previews it (the email in sandboxed frames at
 * 600 and 375 px) and saves it as a draft; an editor opens the draft, sends a test to themselves and
 * publishes it to the list's subscriber. Every page is checked with axe at 1280 and 375 px.
 */
describe('console compose in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let writer: TestPage;
  let editor: TestPage;
  let draftPath = '';

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([
      startTestPressroom({ env: { PRESSROOM_STAFF: 'writer@example.org=contributor,editor@example.org=editor' } }),
      launching,
    ]);
    expect((await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] })).status).toBe(200);
    [writer, editor] = await Promise.all([newPage(browser, { width: 1280, height: 800 }), newPage(browser, { width: 1280, height: 800 })]);
    // A step that cannot happen fails with what it waited for, well before the test's own timeout.
    for (const { page } of [writer, editor]) page.setDefaultTimeout(10_000);
  });
  afterAll(async () => {
    await writer?.close();
    await editor?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));

  /** Signs in through the emailed link's button, as staff would. */
  const signIn = async ({ page }: TestPage, email: string) => {
    await new ConsoleClient(pressroom).signInPage(page, email);
  };

  /** axe at 1280 px and at 375 px (no violations at all), with a screenshot at each. */
  const expectAccessible = ({ page }: TestPage, name: string) => expectAccessibleAtBothWidths(page, name);

  it('lets a contributor compose, see live counts, preview at 600 and 375 px, and save a draft; publishing is disabled with the reason', async () => {
    await signIn(writer, 'writer@example.org');
    const { page } = writer;
    await page.getByRole('link', { name: 'Compose' }).click();
    await page.waitForURL(`${pressroom.url}/console/compose`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Compose a release');
    await expectAccessible(writer, 'console-compose');

    await page.getByLabel('Title').fill('Browser release');
    await page.getByLabel('Body', { exact: true }).fill('# Browser release\n\nWe shipped **faster sends** today. Everyone gets them.');
    await page.getByLabel('Summary').fill('Faster sends for everyone.');
    await page.getByLabel('Blog').check();
    await page.getByLabel('Tags').fill('product');
    const publish = page.getByRole('button', { name: 'Publish' });
    expect(await publish.isDisabled()).toBe(true);
    expect(await page.locator('#publish-reason').textContent()).toContain('Only editors and admins publish');

    // The counts script asks the server as staff type: the channel's own count of the own text.
    await page.getByLabel('Own text for local (optional)').fill('Our own words for the local channel');
    await page.locator('#count-local').filter({ hasText: '35 of 500 characters (own text)' }).waitFor();
    await page.getByLabel('Own text for local (optional)').fill('');
    await page.locator('#count-local').filter({ hasText: '(formatted summary)' }).waitFor();

    await Promise.all([page.waitForURL(`${pressroom.url}/console/compose`), page.getByRole('button', { name: 'Preview' }).click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { name: 'Preview' }).isVisible()).toBe(true);
    for (const width of [600, 375]) {
      const frame = page.locator(`iframe.frame-${width}`);
      expect(await frame.isVisible()).toBe(true);
      expect(await frame.getAttribute('sandbox')).toBe('');
      expect((await frame.boundingBox())?.width).toBeGreaterThanOrEqual(width);
      // The email rendered inside the frame (the title is its heading).
      expect(await page.frameLocator(`iframe.frame-${width}`).getByText('We shipped faster sends today.').count()).toBe(1);
      // The frame alone: a full-page capture leaves frames blank in headless Chromium.
      await frame.screenshot({ path: join(SCREENSHOT_DIR, `console-compose-frame-${width}.png`) });
    }
    expect(await page.locator('#count-local').textContent()).toMatch(/\d+ of 500 characters \(formatted summary\)/);
    await expectAccessible(writer, 'console-compose-preview');

    // By keyboard: the button takes focus and Enter submits the form.
    await page.getByRole('button', { name: 'Save draft' }).focus();
    await Promise.all([page.waitForURL(/\/console\/drafts\/browser-release-[0-9a-f]{8}\?saved=1$/), page.keyboard.press('Enter')]);
    expect(await page.getByRole('status').textContent()).toBe('Draft saved.');
    expect(await page.getByLabel('Title').inputValue()).toBe('Browser release');
    draftPath = new URL(page.url()).pathname;
    await expectAccessible(writer, 'console-draft-contributor');
    expect(writer.blockedRequests).toEqual([]);
    expect(await mailTo('reader@example.com')).toHaveLength(0);
  });

  it('lets an editor open the draft, send a test to themselves and publish it to the subscriber', async () => {
    await signIn(editor, 'editor@example.org');
    const { page } = editor;
    await page.getByRole('link', { name: 'Drafts' }).click();
    await page.waitForURL(`${pressroom.url}/console/drafts`);
    await expectAccessible(editor, 'console-drafts');
    await Promise.all([page.waitForURL(`${pressroom.url}${draftPath}`), page.getByRole('link', { name: 'Browser release' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Draft: Browser release');
    await expectAccessible(editor, 'console-draft-editor');

    expect(await page.getByLabel('Send a test to').inputValue()).toBe('editor@example.org');
    await Promise.all([page.waitForURL(`${pressroom.url}${draftPath}`), page.getByRole('button', { name: 'Send test' }).click()]);
    expect(await page.getByRole('status').textContent()).toBe('Test sent to editor@example.org.');
    expect((await mailTo('editor@example.org')).map((m) => m.subject)).toContain('[TEST] Browser release');
    expect(await mailTo('reader@example.com')).toHaveLength(0);

    await page.getByLabel('Send it to every subscriber of the lists ticked above (publishing cannot be undone)').check();
    await Promise.all([page.waitForURL(`${pressroom.url}/console/releases`), page.getByRole('button', { name: 'Publish' }).click()]);
    expect(await page.getByRole('row').filter({ hasText: 'Browser release' }).count()).toBe(1);
    await pressroom.settle();
    expect((await mailTo('reader@example.com')).map((m) => m.subject)).toEqual(['Browser release']);
    expect(editor.blockedRequests).toEqual([]);
  });
});
