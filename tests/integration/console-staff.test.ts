import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody } from '../helpers/releases';

/**
 * Staff operations through the local runner over HTTP: personal API tokens on /admin (roles,
 * revocation), staff management with the last-admin rule, and the audit log every staff POST
 * lands in.
 */
describe('staff tokens, staff management and the audit log over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let consoleClient: ConsoleClient;
  let admin: string;
  let editor: string;
  let contributor: string;

  beforeAll(async () => {
    pressroom = await startTestPressroom({
      env: { PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor,contributor@example.org=contributor' },
    });
    consoleClient = new ConsoleClient(pressroom);
    admin = await consoleClient.signIn('admin@example.org');
    editor = await consoleClient.signIn('editor@example.org');
    contributor = await consoleClient.signIn('contributor@example.org');
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /** A console form post with the page's CSRF token. */
  async function submit(cookie: string, pagePath: string, action: string, form: Record<string, string> = {}) {
    const csrf = csrfTokenIn(await (await consoleClient.get(pagePath, cookie)).text())!;
    return consoleClient.post(action, { cookie, form: { ...form, csrf } });
  }

  /** Creates a token through the console and reads it off the page (its only showing). */
  async function createToken(cookie: string, name: string, role: string) {
    const created = await submit(cookie, '/console/tokens', '/console/tokens', { name, role });
    const html = await created.text();
    return { status: created.status, html, token: /id="new-token"[^>]*value="(prt_[A-Za-z0-9_-]+)"/.exec(html)?.[1] };
  }

  const api = (method: string, path: string, token: string, body?: unknown) =>
    fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'user-agent': 'staff-script/1.0' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  const auditPage = async (query = '') => {
    const response = await consoleClient.get(`/console/audit${query}`, admin);
    expect(response.status).toBe(200);
    return response.text();
  };

  it("lets an editor's token pause a send but not import subscribers, and shows the token once", async () => {
    await pressroom.client.publish(releaseBody({ id: 'held', title: 'Held back', embargoUntil: new Date(Date.now() + 86_400_000).toISOString() }));
    const { status, html, token } = await createToken(editor, 'CI pauses', 'editor');
    expect(status).toBe(201);
    expect(token).toBeDefined();
    expect(html).toContain('shown only this once');
    // Listed by name afterwards, never with the secret.
    const listed = await (await consoleClient.get('/console/tokens', editor)).text();
    expect(listed).toContain('CI pauses');
    expect(listed).not.toContain(token!);

    const paused = await api('POST', '/admin/releases/held/pause', token!, { reason: 'checking' });
    expect(paused.status, await paused.clone().text()).toBe(200);
    const imported = await api('POST', '/admin/imports', token!);
    expect(imported.status).toBe(403);
    expect(await imported.json()).toMatchObject({ error: 'Forbidden' });
    expect((await api('GET', '/admin/releases', token!)).status).toBe(200);

    // The audit log names the member, the token, the route, the outcome and where it came from.
    const log = await auditPage('?actor=editor%40example.org');
    expect(log).toContain('POST /admin/releases/{id}/pause');
    expect(log).toContain('id: held');
    expect(log).toContain('“CI pauses”');
    expect(log).toContain('POST /admin/imports');
    expect(log).toContain('refused (403)');
    expect(log).toMatch(/127\.0\.0\.1|::1|::ffff:127\.0\.0\.1/);
    expect(log).toContain('staff-script/1.0');
  });

  it('refuses a revoked token with 401, as it refuses a made-up one', async () => {
    const { token } = await createToken(admin, 'short-lived', 'admin');
    // First where the function keeps no data of its own: its edge reads the token and records its first use.
    expect((await api('GET', '/admin/queues', token!)).status).toBe(200);
    expect((await api('GET', '/admin/lists', token!)).status).toBe(200);
    const tokensPage = await (await consoleClient.get('/console/tokens', admin)).text();
    const revokePath = /href="(\/console\/tokens\/[^"]+\/revoke)"/.exec(tokensPage)![1];
    const confirm = await consoleClient.get(revokePath, admin);
    expect(await confirm.text()).toContain('Revoke “short-lived”?');
    const revoked = await submit(admin, revokePath, revokePath);
    expect(revoked.status).toBe(303);

    const refused = await api('GET', '/admin/lists', token!);
    const madeUp = await api('GET', '/admin/lists', `prt_${'x'.repeat(43)}`);
    expect(refused.status).toBe(401);
    expect(madeUp.status).toBe(401);
    expect(await refused.json()).toEqual(await madeUp.json());
  });

  it('does not let a contributor create an admin (or editor) token', async () => {
    for (const role of ['admin', 'editor']) {
      const { status, token, html } = await createToken(contributor, `mine-${role}`, role);
      expect(status).toBe(403);
      expect(token).toBeUndefined();
      expect(html).toContain('higher role than yours');
    }
    expect(await (await consoleClient.get('/console/tokens', contributor)).text()).toContain('You have no tokens.');
    // The form offers only the roles one may give.
    const form = await (await consoleClient.get('/console/tokens', contributor)).text();
    expect(form).not.toContain('<option value="editor"');
  });

  it('records every console and /admin POST with actor, action and address; the shared admin token too', async () => {
    await submit(admin, '/console/staff', '/console/staff', { email: 'audited@example.org', role: 'contributor' });
    const viaAdminToken = await api('POST', '/admin/lists', pressroom.secrets.adminToken, { id: 'audited', name: 'Audited' });
    expect(viaAdminToken.status).toBeLessThan(300);
    const log = await auditPage();
    expect(log).toContain('POST /console/staff');
    // The form's subject, which the path does not name, is in the target.
    expect(log).toContain('member: audited@example.org, role: contributor');
    expect(log).toMatch(/admin@example\.org<span class="muted"> via console/);
    expect(log).toContain('POST /admin/lists');
    expect(log).toMatch(/admin token<span class="muted"> via shared admin token/);
    // Sign-ins that worked are there, naming the member.
    expect(log).toContain('POST /console/sign-in/{token}');

    // A page at a time, newest first: the next page starts where this one ended.
    const first = await auditPage('?limit=1');
    expect(first).toContain('POST /admin/lists');
    const older = /href="(\/console\/audit\?[^"]*cursor=[^"]+)" rel="next"/.exec(first)![1].replaceAll('&amp;', '&');
    const second = await auditPage(older.slice('/console/audit'.length));
    expect(second).toContain('POST /console/staff');
    expect(second).not.toContain('POST /admin/lists');
    const edited = await consoleClient.get('/console/audit?cursor=edited-by-hand', admin);
    expect(edited.status).toBe(400);
    expect(await edited.text()).toContain('cursor: not a cursor this page gave');
  });

  it("leaves no entry naming a stranger's address typed at sign-in, nor any for a bad token", async () => {
    await consoleClient.requestLink('stranger-typed@example.net');
    await api('POST', '/admin/imports', 'not-a-token');
    const log = await auditPage('?limit=200');
    expect(log).not.toContain('stranger-typed');
    expect(log).not.toContain('POST /console/sign-in<');
    expect(await auditPage('?actor=stranger-typed%40example.net')).toContain('No entries.');
  });

  it('adds a member, changes a role and removes them; refuses to remove or demote the last admin', async () => {
    expect((await submit(admin, '/console/staff', '/console/staff', { email: 'New.Member@Example.org', role: 'editor' })).status).toBe(303);
    let page = await (await consoleClient.get('/console/staff', admin)).text();
    expect(page).toContain('new.member@example.org');
    const again = await submit(admin, '/console/staff', '/console/staff', { email: 'new.member@example.org', role: 'editor' });
    expect(again.status).toBe(409);

    const memberPath = `/console/staff/${encodeURIComponent('new.member@example.org')}`;
    expect((await submit(admin, '/console/staff', `${memberPath}/role`, { role: 'contributor' })).status).toBe(303);
    page = await (await consoleClient.get('/console/staff', admin)).text();
    expect(page).toMatch(/new\.member@example\.org<\/td><td data-label="Role">.*?<option value="contributor" selected=""/s);

    expect(await (await consoleClient.get(`${memberPath}/remove`, admin)).text()).toContain('Remove new.member@example.org?');
    expect((await submit(admin, '/console/staff', `${memberPath}/remove`)).status).toBe(303);
    expect(await (await consoleClient.get('/console/staff', admin)).text()).not.toContain('new.member@example.org');

    const adminPath = `/console/staff/${encodeURIComponent('admin@example.org')}`;
    const demoted = await submit(admin, '/console/staff', `${adminPath}/role`, { role: 'editor' });
    expect(demoted.status).toBe(409);
    expect(await demoted.text()).toContain('The last admin cannot be removed or demoted');
    expect((await submit(admin, '/console/staff', `${adminPath}/remove`)).status).toBe(409);
    expect(await (await consoleClient.get('/console/staff', admin)).text()).toMatch(/admin@example\.org<\/td><td data-label="Role">.*?<option value="admin" selected=""/s);
  });

  it('keeps staff management and the audit log to admins, and checks every form', async () => {
    expect((await consoleClient.get('/console/staff', editor)).status).toBe(403);
    expect((await consoleClient.get('/console/audit', editor)).status).toBe(403);
    const csrf = csrfTokenIn(await (await consoleClient.get('/console/tokens', editor)).text())!;
    expect((await consoleClient.post('/console/staff', { cookie: editor, form: { csrf, email: 'x@example.org', role: 'admin' } })).status).toBe(403);
    expect((await consoleClient.post('/console/tokens', { cookie: editor, form: { name: 'no csrf', role: 'editor' } })).status).toBe(403);
    expect((await consoleClient.post('/console/tokens', { cookie: editor, origin: 'https://evil.example', form: { csrf, name: 'x', role: 'editor' } })).status).toBe(403);
    expect(await (await consoleClient.get('/console/staff', admin)).text()).not.toContain('x@example.org');
    expect(await (await consoleClient.get('/console/tokens', editor)).text()).not.toContain('no csrf');
  });

  it("stops a removed member's token at once", async () => {
    await submit(admin, '/console/staff', '/console/staff', { email: 'leaver@example.org', role: 'editor' });
    const leaver = await consoleClient.signIn('leaver@example.org');
    const { token } = await createToken(leaver, 'leaver script', 'editor');
    expect((await api('GET', '/admin/releases', token!)).status).toBe(200);
    await submit(admin, '/console/staff', `/console/staff/${encodeURIComponent('leaver@example.org')}/remove`);
    expect((await api('GET', '/admin/releases', token!)).status).toBe(401);
  });
});
