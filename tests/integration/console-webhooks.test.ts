import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * The console's webhooks pages through the local runner over HTTP: an admin adds an endpoint from
 * the form, pointing at a receiver on 127.0.0.1, sees its secret once, a reader's confirmation is
 * delivered (signed with that secret) and appears in the endpoint's log; settings, disabling and
 * removal; and the refusals (role, CSRF, origin).
 */
describe('console webhooks over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let receiver: Server;
  let base: string;
  const received: { path: string; headers: Record<string, string>; body: string }[] = [];
  let consoleClient: ConsoleClient;
  let admin: string;
  let editor: string;

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        received.push({ path: request.url ?? '', headers, body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    pressroom = await startTestPressroom({ env: { PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor', PRESSROOM_WEBHOOK_RETRY_SECONDS: '3600' } });
    consoleClient = new ConsoleClient(pressroom);
    admin = await consoleClient.signIn('admin@example.org');
    editor = await consoleClient.signIn('editor@example.org');
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
    receiver?.close();
  });

  const csrfOf = async (cookie: string, path = '/console/webhooks') => csrfTokenIn(await (await consoleClient.get(path, cookie)).text())!;
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  /** A reader signs up and confirms: a `subscriber.confirmed` event. */
  async function confirmReader(email: string) {
    const signUp = await fetch(`${pressroom.url}/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, lists: ['blog'] }) });
    expect(signUp.status).toBe(202);
    await pressroom.settle();
    const confirmation = (await pressroom.client.mail()).find((m) => m.to.includes(email) && m.subject?.startsWith('Confirm'))!;
    expect((await fetch(/href="([^"]*\/confirm\/[^"]+)"/.exec(String(confirmation.html))![1], { method: 'POST' })).status).toBe(200);
    await pressroom.settle();
  }

  it('adds an endpoint from the form, shows its secret once, and logs the signed delivery of an event', async () => {
    const listPage = await (await consoleClient.get('/console/webhooks', admin)).text();
    expect(listPage).toContain('<h1>Webhooks</h1>');
    expect(listPage).toContain('No endpoints yet.');
    expect(listPage).toContain('href="/console/webhooks"');

    const added = await consoleClient.post('/console/webhooks', {
      cookie: admin,
      form: new URLSearchParams([['csrf', csrfTokenIn(listPage)!], ['url', `${base}/crm`], ['description', 'CRM'], ['events', 'subscriber.confirmed'], ['events', 'release.sent']]),
    });
    expect(added.status).toBe(201);
    const addedHtml = await added.text();
    const secret = /id="webhook-secret" type="text" readonly="" value="([^"]+)"/.exec(addedHtml)?.[1];
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(addedHtml).toContain('Standard Webhooks');
    const path = /href="(\/console\/webhooks\/whk_[0-9a-f-]+)"/.exec(addedHtml)![1];

    // Never again: not on the list, not on the endpoint's page.
    const list = await (await consoleClient.get('/console/webhooks', admin)).text();
    expect(list).not.toContain(secret);
    expect(text(list)).toMatch(new RegExp(`${base}/crm CRM subscriber.confirmed, release.sent enabled none yet`));

    await confirmReader('console-hooked@example.org');
    const delivery = received.find((r) => r.path === '/crm')!;
    expect(delivery).toBeDefined();
    expect(new Webhook(secret!).verify(delivery.body, delivery.headers)).toMatchObject({ type: 'subscriber.confirmed' });

    const endpointPage = await (await consoleClient.get(path, admin)).text();
    expect(endpointPage).not.toContain(secret);
    expect(text(endpointPage)).toMatch(/Delivery log The one attempt so far\. .*subscriber\.confirmed 1 delivered HTTP 204 \d+ ms/);
    expect(text(await (await consoleClient.get('/console/webhooks', admin)).text())).toMatch(/enabled \d{4}-\d\d-\d\d [\d:]+ UTC delivered HTTP 204/);
  });

  it('shows the add form again with the problem beside its field and the values as typed', async () => {
    const csrf = await csrfOf(admin);
    const refused = await consoleClient.post('/console/webhooks', { cookie: admin, form: { csrf, url: 'http://crm.example.org/hooks', description: 'Plain http' } });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('There is a problem');
    expect(html).toMatch(/<p id="new-url-error" class="error">must be https<\/p><input id="new-url" name="url" type="url" value="http:\/\/crm.example.org\/hooks"/);
    expect(html).toMatch(/<p id="new-events-error" class="error">must be &quot;all&quot; or a non-empty list/);
    expect(html).toContain('value="Plain http"');
    expect(html).not.toContain('whsec_');
  });

  it('changes the settings, disables and enables again, and removes only through the confirmation step', async () => {
    const csrf = await csrfOf(admin);
    const added = await consoleClient.post('/console/webhooks', { cookie: admin, form: { csrf, url: `${base}/other`, allEvents: 'all' } });
    const path = /href="(\/console\/webhooks\/whk_[0-9a-f-]+)"/.exec(await added.text())![1];
    expect(text(await (await consoleClient.get(path, admin)).text())).toContain('Events all');

    const saved = await consoleClient.post(path, { cookie: admin, form: new URLSearchParams([['csrf', csrf], ['action', 'settings'], ['url', `${base}/other`], ['events', 'release.sent']]) });
    expect(saved.headers.get('location')).toBe(`${path}?done=saved`);
    expect(text(await (await consoleClient.get(`${path}?done=saved`, admin)).text())).toMatch(/The settings are saved\. .*Events release\.sent State enabled/);

    const disabled = await consoleClient.post(path, { cookie: admin, form: { csrf, action: 'disable' } });
    expect(disabled.headers.get('location')).toBe(`${path}?done=disabled`);
    const offPage = await (await consoleClient.get(disabled.headers.get('location')!, admin)).text();
    expect(text(offPage)).toMatch(/The endpoint is disabled: .*State disabled/);
    expect(offPage).toMatch(/value="enable"\/><button type="submit">Enable<\/button>/);
    await consoleClient.post(path, { cookie: admin, form: { csrf, action: 'enable' } });
    expect(text(await (await consoleClient.get(path, admin)).text())).toMatch(/State enabled/);

    const unconfirmed = await consoleClient.post(`${path}/remove`, { cookie: admin, form: { csrf } });
    expect(unconfirmed.headers.get('location')).toBe(`${path}/remove`);
    expect((await consoleClient.get(path, admin)).status).toBe(200);
    expect(await (await consoleClient.get(`${path}/remove`, admin)).text()).toContain(`<h1 class="wrap">Remove ${base}/other?</h1>`);
    const removed = await consoleClient.post(`${path}/remove`, { cookie: admin, form: { csrf, confirm: 'remove' } });
    expect(removed.headers.get('location')).toBe('/console/webhooks?done=removed');
    expect((await consoleClient.get(path, admin)).status).toBe(404);
  });

  it('refuses an editor (403, no link in the navigation), a form without the CSRF token or from another origin (403); nothing is added', async () => {
    const editorPage = await consoleClient.get('/console/releases', editor);
    expect(await editorPage.text()).not.toContain('href="/console/webhooks"');
    expect((await consoleClient.get('/console/webhooks', editor)).status).toBe(403);
    const editorCsrf = csrfTokenIn(await (await consoleClient.get('/console/releases', editor)).text())!;
    expect((await consoleClient.post('/console/webhooks', { cookie: editor, form: { csrf: editorCsrf, url: `${base}/editor`, allEvents: 'all' } })).status).toBe(403);
    const csrf = await csrfOf(admin);
    expect((await consoleClient.post('/console/webhooks', { cookie: admin, form: { url: `${base}/no-csrf`, allEvents: 'all' } })).status).toBe(403);
    expect((await consoleClient.post('/console/webhooks', { cookie: admin, origin: 'https://evil.example', form: { csrf, url: `${base}/evil`, allEvents: 'all' } })).status).toBe(403);
    const list = await (await consoleClient.get('/console/webhooks', admin)).text();
    expect(list).not.toMatch(/\/(editor|no-csrf|evil)</);
  });
});
