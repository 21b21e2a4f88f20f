import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type TestPage, expectAccessibleAtBothWidths } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * An admin manages the audience in a real browser: looks a subscriber up, changes their lists,
 * erases them by typing the address, imports a CSV through the upload form (a dry run, then for
 * real) and reads its report, creates and archives a list, and sees the dead letters. Each page is
 * checked with axe at 1280 and 375 px.
 */
describe('console audience pages in Chromium', () => {
  const email = 'admin@example.org';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let opened: TestPage;

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([
      startTestPressroom({ env: { PRESSROOM_STAFF: `${email}=admin`, PRESSROOM_LISTS: 'blog=Blog,events=Events' } }),
      launching,
    ]);
    expect((await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] })).status).toBe(200);
    opened = await newPage(browser, { width: 1280, height: 800 });
    // Signed in through the emailed link, as in tests/e2e/console.test.ts.
    await new ConsoleClient(pressroom).signInPage(opened.page, email);
  });
  afterAll(async () => {
    await opened?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const expectAccessible = (name: string) => expectAccessibleAtBothWidths(opened.page, name, { noSideScroll: true });
  const heading = () => opened.page.getByRole('heading', { level: 1 }).textContent();

  it("sets a list's welcome email on the list's page", async () => {
    const { page } = opened;
    await page.goto(`${pressroom.url}/console/lists/events`);
    expect(await page.getByRole('heading', { level: 2, name: 'Welcome email' }).count()).toBe(1);
    await page.getByLabel('Welcome (Markdown)').first().fill('**Thanks** for joining Events.');
    await page.getByLabel('Also welcome people imported with consent').check();
    await expectAccessible('console-list-welcome');
    await Promise.all([page.waitForURL(/done=saved/), page.getByRole('button', { name: 'Save welcome' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('List events saved.');
    const list = (await (await fetch(`${pressroom.url}/admin/lists/events`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } })).json()) as { welcome?: unknown };
    expect(list.welcome).toEqual({ markdown: '**Thanks** for joining Events.', onImport: true });
  });

  it('looks a subscriber up, changes their lists, and erases them after typing the address', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/subscribers`), page.getByRole('link', { name: 'Subscribers' }).click()]);
    expect(await heading()).toBe('Subscribers');
    await expectAccessible('console-subscribers');

    await page.getByLabel('Email address').fill('reader@example.com');
    await Promise.all([page.waitForURL(/email=reader/), page.getByRole('button', { name: 'Look up' }).click()]);
    expect(await page.getByRole('heading', { level: 2, name: 'reader@example.com' }).count()).toBe(1);
    const memberships = page.getByRole('table', { name: 'Memberships' });
    expect(await memberships.getByRole('row', { name: /Blog/ }).textContent()).toContain('confirmed');
    await expectAccessible('console-subscriber');

    await page.getByLabel('Events').check();
    await page.getByRole('checkbox', { name: 'Blog' }).check();
    await Promise.all([page.waitForURL(/done=lists/), page.getByRole('button', { name: 'Save list changes' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('List changes saved.');
    expect(await memberships.getByRole('row', { name: /Blog/ }).textContent()).toContain('unsubscribed');
    expect(await memberships.getByRole('row', { name: /Events/ }).textContent()).toContain('confirmed');
    // The consent history names staff's two changes.
    const history = page.getByRole('table', { name: 'Consent history' });
    expect(await history.getByRole('row', { name: /staff/ }).count()).toBe(2);

    await Promise.all([page.waitForURL(/\/erase$/), page.getByRole('link', { name: 'Erase reader@example.com…' }).click()]);
    expect(await heading()).toBe('Erase reader@example.com');
    await expectAccessible('console-erase');
    await page.getByLabel('Type the address to confirm').fill('reader@example.co');
    await page.getByRole('button', { name: 'Erase for good' }).click();
    await page.waitForLoadState();
    expect(await page.getByRole('alert').textContent()).toContain('nothing was erased');
    await expectAccessible('console-erase-refused');
    await page.getByLabel('Type the address to confirm').fill('reader@example.com');
    await page.getByRole('button', { name: 'Erase for good' }).click();
    await page.waitForLoadState();
    expect(await heading()).toBe('reader@example.com was erased');
    await expectAccessible('console-erased');
  });

  it('imports a small CSV through the upload form: a dry run, then for real, each with its report', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/imports`), page.getByRole('link', { name: 'Imports' }).click()]);
    expect(await heading()).toBe('Import subscribers');
    await expectAccessible('console-imports');
    const file = { name: 'members.csv', mimeType: 'text/csv', buffer: Buffer.from('email,lists\nnew@example.com,blog\nbroken,blog\n') };

    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByLabel(/Every address consented/).check();
    // Dry run is ticked by default.
    expect(await page.getByLabel(/Dry run/).isChecked()).toBe(true);
    await Promise.all([page.waitForURL(/\/console\/imports\/imp_/), page.getByRole('button', { name: 'Upload and import' }).click()]);
    expect(await heading()).toMatch(/^Dry run imp_/);
    expect(await page.getByRole('row', { name: /Added/ }).textContent()).toContain('1');
    expect(await page.getByRole('row', { name: /broken/ }).textContent()).toContain('invalid');
    await expectAccessible('console-import-dry-run');

    await page.goto(`${pressroom.url}/console/imports`);
    await page.getByLabel('CSV file').setInputFiles(file);
    await page.getByLabel(/Dry run/).uncheck();
    await page.getByLabel(/Every address consented/).check();
    await Promise.all([page.waitForURL(/\/console\/imports\/imp_/), page.getByRole('button', { name: 'Upload and import' }).click()]);
    expect(await heading()).toMatch(/^Import imp_/);
    expect(await page.getByRole('row', { name: /Added/ }).textContent()).toContain('1');
    await expectAccessible('console-import');
  });

  it('creates a list, archives it, and requests an export of another', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/lists`), page.getByRole('link', { name: 'Lists' }).click()]);
    expect(await heading()).toBe('Lists');
    await expectAccessible('console-lists');
    await page.getByLabel('Id').fill('podcast');
    await page.getByLabel('Name').fill('Podcast');
    await page.getByLabel('Description').fill('New episodes');
    await Promise.all([page.waitForURL(/done=created/), page.getByRole('button', { name: 'Create list' }).click()]);
    expect(await page.getByRole('status').textContent()).toContain('List podcast created.');
    await Promise.all([page.waitForURL(/done=archived/), page.getByRole('button', { name: 'Archive Podcast' }).click()]);
    expect(await page.getByRole('row', { name: /Podcast/ }).textContent()).toContain('archived');
    expect(await page.getByRole('button', { name: 'Unarchive Podcast' }).count()).toBe(1);
    await expectAccessible('console-lists-archived');

    await Promise.all([page.waitForURL(/\/console\/lists\/podcast$/), page.getByRole('link', { name: 'Podcast' }).click()]);
    expect(await heading()).toBe('Edit Podcast');
    await expectAccessible('console-list-edit');

    await page.goto(`${pressroom.url}/console/lists`);
    await Promise.all([page.waitForURL(/\/console\/exports\/exp_/), page.getByRole('button', { name: 'Export Blog' }).click()]);
    await pressroom.settle();
    await page.reload();
    expect(await page.getByRole('link', { name: 'Download blog.csv' }).count()).toBe(1);
    await expectAccessible('console-export');
  });

  it('shows the dead letters and a redrive confirmation', async () => {
    const { page, blockedRequests } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/dead-letters`), page.getByRole('link', { name: 'Dead letters' }).click()]);
    expect(await heading()).toBe('Dead letters');
    expect(await page.getByRole('row', { name: /bulk/ }).textContent()).toContain('nothing to redrive');
    await expectAccessible('console-dead-letters');
    await page.goto(`${pressroom.url}/console/dead-letters/send/redrive`);
    expect(await heading()).toBe('Redrive send');
    await expectAccessible('console-redrive');
    expect(blockedRequests).toEqual([]);
  });
});
