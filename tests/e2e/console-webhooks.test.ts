import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessibleAtBothWidths, launchBrowser, newPage, type TestPage } from '../helpers/browser';
import { ConsoleClient } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * An admin adds an outgoing webhook endpoint in a real browser (first with a mistake the form shows
 * beside its field), copies the secret from the page that shows it once, and, after a reader
 * confirms, sees the delivery in the endpoint's log; the list with the add form, the secret page and
 * the endpoint page with its log are each checked with axe at 1280 and 375 px.
 */
describe('console webhooks in Chromium', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let browser: Browser;
  let launching: Promise<Browser> | undefined;
  let admin: TestPage;
  let receiver: Server;
  let receiverUrl = '';
  let deliveries = 0;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        deliveries++;
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hooks`;
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
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it('adds an endpoint (an error beside its field first), shows the secret once, and logs a delivery', async () => {
    const { page } = admin;
    await new ConsoleClient(pressroom).signInPage(page, 'admin@example.org');

    await Promise.all([page.waitForURL(`${pressroom.url}/console/webhooks`), page.getByRole('link', { name: 'Webhooks' }).click()]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Webhooks');

    // No event ticked and "All events" unticked: the service says so beside the events, the rest stays.
    await page.getByLabel('URL', { exact: true }).fill(receiverUrl);
    await page.getByLabel('Description (optional)').fill('CRM');
    await page.getByLabel('All events').uncheck();
    await Promise.all([page.waitForURL(`${pressroom.url}/console/webhooks`), page.getByRole('button', { name: 'Add endpoint' }).click()]);
    await page.waitForLoadState();
    expect(await page.locator('#new-events-error').textContent()).toMatch(/^must be "all" or a non-empty list/);
    expect(await page.getByLabel('URL', { exact: true }).inputValue()).toBe(receiverUrl);
    expect(await page.getByLabel('Description (optional)').inputValue()).toBe('CRM');
    await expectAccessibleAtBothWidths(page, 'console-webhooks-add-error', { noSideScroll: true });

    await page.getByLabel(/subscriber\.confirmed/).check();
    await Promise.all([page.waitForResponse((r) => r.url() === `${pressroom.url}/console/webhooks` && r.status() === 201), page.getByRole('button', { name: 'Add endpoint' }).click()]);
    await page.waitForLoadState();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Endpoint added');
    const secret = await page.getByRole('textbox', { name: 'Signing secret' }).inputValue();
    expect(secret).toMatch(/^whsec_/);
    expect(page.url()).not.toContain(secret);
    await expectAccessibleAtBothWidths(page, 'console-webhook-secret', { noSideScroll: true });

    // A reader signs up and confirms: one subscriber.confirmed delivery.
    const email = 'e2e-hooked@example.org';
    expect((await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, lists: ['blog'] }) })).status).toBe(202);
    await pressroom.settle();
    const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes(email) && m.subject?.startsWith('Confirm'))!;
    expect((await fetch(/href="([^"]*\/confirm\/[^"]+)"/.exec(String(confirmation.html))![1], { method: 'POST' })).status).toBe(200);
    await pressroom.settle();
    expect(deliveries).toBe(1);

    await Promise.all([page.waitForURL(/\/console\/webhooks\/whk_/), page.getByRole('link', { name: "Go to the endpoint's page" }).click()]);
    const rows = page.locator('section[aria-labelledby="log-heading"] tbody tr');
    expect(await rows.count()).toBe(1);
    expect(await rows.locator('td[data-label="Event"]').textContent()).toBe('subscriber.confirmed');
    expect(await rows.locator('td[data-label="Result"]').textContent()).toContain('HTTP 204');
    expect(await page.content()).not.toContain(secret);
    await expectAccessibleAtBothWidths(page, 'console-webhook', { noSideScroll: true });
  });
});
