import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPage, type TestPage, expectAccessibleAtBothWidths } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * An admin in a real browser creates a personal API token (shown once) and revokes it, adds an
 * editor, and reads the audit log; each page is checked with axe at 1280 and 375 px.
 */
describe('staff operations in Chromium', () => {
  const email = 'admin@example.org';
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let opened: TestPage;

  beforeAll(async () => {
    launching = launchBrowser();
    [pressroom, browser] = await Promise.all([startTestPressroom({ env: { PRESSROOM_STAFF: `${email}=admin` } }), launching]);
    opened = await newPage(browser, { width: 1280, height: 800 });
    // Sign in through the emailed link's button, as the console test does by keyboard.
    await new ConsoleClient(pressroom).signInPage(opened.page, email);
  });
  afterAll(async () => {
    await opened?.close();
    await (await launching?.catch(() => undefined))?.close();
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const expectAccessible = (name: string) => expectAccessibleAtBothWidths(opened.page, name);
  const heading = () => opened.page.getByRole('heading', { level: 1 }).textContent();

  it('creates a token that is shown once, uses it, and revokes it', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/tokens`), page.getByRole('link', { name: 'API tokens' }).click()]);
    expect(await heading()).toBe('Personal API tokens');
    await expectAccessible('console-tokens');

    await page.getByLabel('Name').fill('Deploy script');
    await page.getByLabel('Role').selectOption('editor');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Create token' }).click()]);
    const token = await page.getByLabel('Your new token').inputValue();
    expect(token).toMatch(/^prt_/);
    await expectAccessible('console-token-created');
    const works = await fetch(`${pressroom.url}/admin/releases`, { headers: { authorization: `Bearer ${token}` } });
    expect(works.status).toBe(200);

    // Shown once: the list afterwards has the name, not the secret.
    await page.goto(`${pressroom.url}/console/tokens`);
    expect(await page.getByLabel('Your new token').count()).toBe(0);
    expect(await page.content()).not.toContain(token);
    expect(await page.getByRole('row', { name: /Deploy script/ }).textContent()).toContain('editor');

    await Promise.all([page.waitForURL(/\/revoke$/), page.getByRole('link', { name: 'Revoke Deploy script' }).click()]);
    expect(await heading()).toBe('Revoke “Deploy script”?');
    await expectAccessible('console-token-revoke');
    await Promise.all([page.waitForURL(`${pressroom.url}/console/tokens`), page.getByRole('button', { name: 'Revoke Deploy script' }).click()]);
    expect(await page.getByText('You have no tokens.').count()).toBe(1);
    expect((await fetch(`${pressroom.url}/admin/releases`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });

  it('adds an editor on the staff page', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/staff`), page.getByRole('link', { name: 'Staff' }).click()]);
    await page.getByLabel('Email address').fill('new.editor@example.org');
    await page.locator('#new-role').selectOption('editor');
    await Promise.all([page.waitForLoadState(), page.getByRole('button', { name: 'Add member' }).click()]);
    const row = page.getByRole('row', { name: /new\.editor@example\.org/ });
    expect(await row.getByLabel('Role of new.editor@example.org').inputValue()).toBe('editor');
    await expectAccessible('console-staff');
  });

  it('shows the audit log newest first, filtered by actor', async () => {
    const { page } = opened;
    await Promise.all([page.waitForURL(`${pressroom.url}/console/audit`), page.getByRole('link', { name: 'Audit log' }).click()]);
    expect(await heading()).toBe('Audit log');
    const rows = page.getByRole('row');
    // Newest first: the member added last, then the token revoked, …, the sign-in first of all.
    expect(await rows.nth(1).textContent()).toContain('POST /console/staff');
    expect(await rows.nth(1).textContent()).toContain(email);
    expect(await rows.last().textContent()).toContain('POST /console/sign-in/{token}');
    await expectAccessible('console-audit');

    await page.getByLabel(/Actor/).fill('someone.else@example.org');
    await Promise.all([page.waitForURL(/actor=/), page.getByRole('button', { name: 'Filter' }).click()]);
    expect(await page.getByText('No entries.').count()).toBe(1);
    expect(opened.blockedRequests).toEqual([]);
  });
});
