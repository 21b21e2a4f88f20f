import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSpecs } from '../../functions/runtime/function-specs';
import { newExportJob } from '../../functions/domain/subscriber/export-job';
import type { JobQueue } from '../../functions/domain/ports';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * The console's audience pages (console-audience) through the local runner over HTTP: lists,
 * subscribers (look-up, list changes, the held-data download, erasure confirmed by typing the
 * address), imports through the upload form, exports with their download, dead letters and redrive;
 * and their refusals (no session, an editor, no CSRF token, another origin).
 */
describe('console audience pages over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let web: ConsoleClient;
  let admin: string;
  let editor: string;
  let csrf: string;

  beforeAll(async () => {
    // A poison bulk job reaches the dead-letter queue after two receives a second apart.
    pressroom = await startTestPressroom({
      env: { PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor', PRESSROOM_LISTS: 'blog=Blog,events=Events' },
      visibilityTimeoutMs: 1_000,
      maxReceiveCount: 2,
    });
    web = new ConsoleClient(pressroom);
    admin = await web.signIn('admin@example.org');
    editor = await web.signIn('editor@example.org');
    csrf = csrfTokenIn(await (await web.get('/console/lists', admin)).text())!;
    expect(csrf).toBeTruthy();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /** The /admin API, to check what a page did the way scripts see it. */
  const adminApi = async (path: string) => {
    const response = await fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });
    return { status: response.status, body: (await response.json()) as any };
  };
  const lookup = (email: string) => adminApi(`/admin/subscribers?${new URLSearchParams({ email })}`);
  const listOf = async (id: string) => (await adminApi('/admin/lists')).body.lists.find((l: { id: string }) => l.id === id);
  const html = async (response: Response) => ({ status: response.status, body: await response.text() });
  const post = (path: string, form: Record<string, string> | URLSearchParams, options: { cookie?: string; origin?: string | null } = {}) =>
    web.post(path, { cookie: admin, ...options, form: form instanceof URLSearchParams ? form : { csrf, ...form } });
  /** The upload form's POST, as a browser sends it: multipart/form-data with the CSRF token inside. */
  const upload = (csv: string, options: { dryRun?: boolean; consent?: boolean; token?: string; origin?: string } = {}) => {
    const form = new FormData();
    form.set('csrf', options.token ?? csrf);
    form.set('file', new Blob([csv], { type: 'text/csv' }), 'members.csv');
    if (options.dryRun) form.set('dryRun', 'true');
    if (options.consent) form.set('consent', 'true');
    return fetch(`${pressroom.url}/console/imports`, { method: 'POST', headers: { cookie: admin, origin: options.origin ?? pressroom.url }, body: form, redirect: 'manual' });
  };
  const follow = async (response: Response) => {
    expect(response.status).toBe(303);
    return html(await web.get(response.headers.get('location')!, admin));
  };

  /** Every route of the function, with a path to request it by. */
  const routes = functionSpecs['console-audience'].http.map((route) => {
    const [method, pattern] = route.split(' ');
    return { method, path: pattern.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'queue' ? 'bulk' : `some-${name}`)) };
  });

  it('refuses every page and action to an editor (403) and to no session (401)', async () => {
    expect(routes.length).toBeGreaterThan(10);
    for (const { method, path } of routes) {
      const asEditor = method === 'GET' ? await web.get(path, editor) : await web.post(path, { cookie: editor, form: { csrf: 'whatever' } });
      expect(asEditor.status, `${method} ${path}`).toBe(403);
      expect(await asEditor.text()).toContain('Not allowed');
      const anonymous = method === 'GET' ? await web.get(path) : await web.post(path, { form: {} });
      expect(anonymous.status, `${method} ${path}`).toBe(401);
    }
  });

  it('shows the audience pages in the navigation to admins only', async () => {
    const adminNav = (await html(await web.get('/console/releases', admin))).body;
    for (const href of ['/console/lists', '/console/subscribers', '/console/imports', '/console/dead-letters']) expect(adminNav).toContain(`href="${href}"`);
    const editorNav = (await html(await web.get('/console/releases', editor))).body;
    expect(editorNav).not.toContain('href="/console/lists"');
    expect(editorNav).not.toContain('href="/console/dead-letters"');
  });

  it('refuses an admin\'s POST without the CSRF token, with a wrong one, or from another origin, and changes nothing', async () => {
    const form = { id: 'refused', name: 'Refused' };
    expect((await web.post('/console/lists', { cookie: admin, form })).status).toBe(403);
    expect((await web.post('/console/lists', { cookie: admin, form: { ...form, csrf: 'not-the-token' } })).status).toBe(403);
    expect((await post('/console/lists', form, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/console/lists', form, { origin: null })).status).toBe(403);
    expect((await upload('email,lists\nx@example.com,blog\n', { token: 'not-the-token' })).status).toBe(403);
    expect((await upload('email,lists\nx@example.com,blog\n', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await post('/console/dead-letters/bulk/redrive', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await listOf('refused')).toBeUndefined();
  });

  it('lists every list with its counts, creates one, and refuses a taken or malformed id with the form kept', async () => {
    expect((await pressroom.client.addSubscribers({ email: 'counted@example.com', lists: ['blog'] })).status).toBe(200);
    const listsPage = await html(await web.get('/console/lists', admin));
    expect(listsPage.status).toBe(200);
    expect(listsPage.body).toContain('<h1>Lists</h1>');
    expect(listsPage.body).toMatch(/Blog<\/a>.*?<td data-label="Confirmed">1<\/td>/s);

    // The domain's rule refuses angle brackets in a name; the form shows what was typed, escaped.
    const markup = await html(await post('/console/lists', { id: 'weekly', name: 'Weekly <news>' }));
    expect(markup.status).toBe(400);
    expect(markup.body).toContain('name: must not contain line breaks or angle brackets');
    expect(markup.body).toContain('value="Weekly &lt;news&gt;"');
    expect(markup.body).not.toContain('<news>');
    const created = await follow(await post('/console/lists', { id: 'weekly', name: 'Weekly & news', description: 'Once a week', public: 'true' }));
    expect(created.body).toContain('List weekly created.');
    expect(created.body).toContain('Weekly &amp; news</a>');
    expect(await listOf('weekly')).toMatchObject({ name: 'Weekly & news', description: 'Once a week', public: true, archived: false });
    const refusedName = await html(await post('/console/lists', { id: 'weekly', name: 'Weekly' }));
    expect(refusedName.status).toBe(409);
    expect(refusedName.body).toContain('A list with the id &quot;weekly&quot; already exists');
    // The refused form keeps what was typed.
    expect(refusedName.body).toContain('value="weekly"');
    const badId = await html(await post('/console/lists', { id: 'Not An Id', name: 'X' }));
    expect(badId.status).toBe(400);
    expect(badId.body).toContain('id: use lower-case letters, digits and hyphens');
  });

  it('creates, edits, archives and unarchives a list', async () => {
    const created = await follow(await post('/console/lists', { id: 'monthly', name: 'Monthly', description: 'Once a month' }));
    expect(created.body).toContain('List monthly created.');
    const editPage = await html(await web.get('/console/lists/monthly', admin));
    expect(editPage.body).toContain('<h1>Edit Monthly</h1>');
    const saved = await follow(await post('/console/lists/monthly', { action: 'edit', name: 'Monthly digest', description: 'Once a month', public: 'true' }));
    expect(saved.body).toContain('List monthly saved.');
    let list = await listOf('monthly');
    expect(list).toMatchObject({ name: 'Monthly digest', public: true, archived: false });
    const badName = await html(await post('/console/lists/monthly', { action: 'edit', name: '' }));
    expect(badName.status).toBe(400);

    const archived = await follow(await post('/console/lists/monthly', { action: 'archive' }));
    expect(archived.body).toContain('List monthly archived');
    expect(archived.body).toContain('aria-label="Unarchive Monthly digest"');
    list = await listOf('monthly');
    expect(list.archived).toBe(true);
    await follow(await post('/console/lists/monthly', { action: 'unarchive' }));
    list = await listOf('monthly');
    expect(list.archived).toBe(false);
    expect((await web.get('/console/lists/no-such-list', admin)).status).toBe(404);
  });

  it("sets, shows and removes a list's welcome email from its page", async () => {
    const saved = await follow(
      await post('/console/lists/events', {
        action: 'welcome', 'welcome-subject': 'Hello', 'welcome-markdown': '**Thanks** for joining', 'welcome-es-markdown': 'Gracias', 'welcome-on-import': 'true',
      }),
    );
    expect(saved.body).toContain('List events saved.');
    expect((await listOf('events')).welcome).toEqual({ subject: 'Hello', markdown: '**Thanks** for joining', onImport: true, translations: { es: { markdown: 'Gracias' } } });
    const page = (await html(await web.get('/console/lists/events', admin))).body;
    expect(page).toContain('<h2>Welcome email</h2>');
    expect(page).toMatch(/<textarea id="welcome-markdown" name="welcome-markdown"[^>]*>\s*\*\*Thanks\*\* for joining/);
    expect(page).toMatch(/<input id="welcome-on-import" name="welcome-on-import" type="checkbox" value="true" checked[^>]*>/);
    // Without a CSRF token, nothing changes; an empty welcome removes it.
    expect((await post('/console/lists/events', new URLSearchParams({ action: 'welcome', 'welcome-markdown': 'Changed' }))).status).toBe(403);
    await follow(await post('/console/lists/events', { action: 'welcome', 'welcome-markdown': '' }));
    expect((await listOf('events')).welcome).toBeUndefined();
    // An editor may not change it.
    expect((await post('/console/lists/events', { action: 'welcome', 'welcome-markdown': 'Hi' }, { cookie: editor })).status).toBe(403);
  });

  it('looks a subscriber up, changes their lists, and downloads everything held about them as JSON', async () => {
    await pressroom.client.addSubscribers({ email: 'reader@example.com', lists: ['blog'] });
    const missing = await html(await web.get('/console/subscribers?email=nobody%40example.com', admin));
    expect(missing.status).toBe(404);
    expect(missing.body).toContain('No subscriber has this address');

    const found = await html(await web.get('/console/subscribers?email=reader%40example.com', admin));
    expect(found.status).toBe(200);
    expect(found.body).toContain('<h2 id="subscriber-heading">reader@example.com</h2>');
    expect(found.body).toMatch(/Blog <span class="muted">\(blog\)<\/span><\/td><td data-label="Status"><span class="status status-confirmed">confirmed/);
    expect(found.body).toContain('not suppressed');
    const id = /\/console\/subscribers\/([^/]+)\/data/.exec(found.body)![1];

    const changed = await follow(await post(`/console/subscribers/${id}/lists`, new URLSearchParams([['csrf', csrf], ['add', 'events'], ['remove', 'blog']])));
    expect(changed.body).toContain('List changes saved.');
    expect(changed.body).toContain('status-unsubscribed">unsubscribed');
    // The consent history, newest first: staff's two changes above the API's addition.
    const history = /<h3 id="history-heading">Consent history<\/h3>(.*?)<\/table>/s.exec(changed.body)![1];
    const rows = [...history.matchAll(/<td data-label="What">([^<]*)<\/td><td data-label="Lists">([^<]*)<\/td><td data-label="By">([^<]*)<\/td>/g)].map((m) => m.slice(1).join(' | '));
    expect(rows).toEqual(expect.arrayContaining(['added | Events | staff', 'unsubscribed | Blog | staff']));
    expect(rows.at(-1)).toMatch(/ \| Blog \| the API$/);
    const lookedUp = (await lookup('reader@example.com')).body;
    expect(lookedUp.memberships.map((m: { listId: string; status: string }) => `${m.listId}:${m.status}`)).toEqual(['blog:unsubscribed', 'events:confirmed']);
    const unknownList = await html(await post(`/console/subscribers/${id}/lists`, new URLSearchParams([['csrf', csrf], ['add', 'no-such-list']])));
    expect(unknownList.status).toBe(400);
    expect(unknownList.body).toContain('unknown list &quot;no-such-list&quot;');

    const download = await web.get(`/console/subscribers/${id}/data`, admin);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/json');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="subscriber-${id}.json"`);
    // The right-of-access document, as GET /admin/subscribers/{id}/data answers it.
    const held = (await download.json()) as any;
    expect(held.profile).toMatchObject({ id: lookedUp.id, email: lookedUp.email, createdAt: lookedUp.createdAt });
    expect(held.memberships.map((m: { listId: string; status: string }) => [m.listId, m.status])).toEqual(lookedUp.memberships.map((m: { listId: string; status: string }) => [m.listId, m.status]));
    expect(held.consentHistory.length).toBeGreaterThan(0);
    expect(held.generatedAt).toMatch(/^\d{4}-/);
  });

  it('erases a subscriber only after the address is typed exactly; a mistyped one is refused and nothing is erased', async () => {
    await pressroom.client.addSubscribers({ email: 'leaving@example.com', lists: ['blog'] });
    const id = (await lookup('leaving@example.com')).body.id;
    const confirm = await html(await web.get(`/console/subscribers/${id}/erase`, admin));
    expect(confirm.body).toContain('<h1>Erase leaving@example.com</h1>');
    expect(confirm.body).toContain('<label for="confirm">Type the address to confirm</label>');

    const mistyped = await html(await post(`/console/subscribers/${id}/erase`, { confirm: 'leavin@example.com' }));
    expect(mistyped.status).toBe(400);
    expect(mistyped.body).toContain('The address typed is not this subscriber&#39;s address; nothing was erased');
    expect((await lookup('leaving@example.com')).status).toBe(200);
    expect((await post(`/console/subscribers/${id}/erase`, { confirm: 'leaving@example.com' }, { cookie: editor })).status).toBe(403);

    const erased = await html(await post(`/console/subscribers/${id}/erase`, { confirm: ' leaving@example.com ' }));
    expect(erased.status).toBe(200);
    expect(erased.body).toContain('<h1>leaving@example.com was erased</h1>');
    expect((await lookup('leaving@example.com')).status).toBe(404);
    expect((await web.get(`/console/subscribers/${id}/erase`, admin)).status).toBe(404);
  });

  it('imports a CSV through the upload form: a dry run reports and changes nothing, the real run imports, each with its report', async () => {
    const csv = 'email,lists,nickname\nfirst@example.com,blog\nsecond@example.com,blog;events\nnot-an-address,blog\n';
    const dry = await follow(await upload(csv, { dryRun: true, consent: true }));
    expect(dry.status).toBe(200);
    expect(dry.body).toContain('Dry run imp_');
    expect(dry.body).toContain('status-done">done');
    expect(dry.body).toContain('3 rows read; this was a dry run and nothing was changed.');
    expect(dry.body).toContain('Ignored columns: nickname.');
    expect(dry.body).toMatch(/<th scope="row">Added<\/th><td>2<\/td>/);
    expect(dry.body).toMatch(/<th scope="row">Invalid<\/th><td>1<\/td>/);
    expect(dry.body).toContain('<td data-label="Address">not-an-address</td>');
    expect((await lookup('first@example.com')).status).toBe(404);

    const real = await follow(await upload(csv, { consent: true }));
    expect(real.body).toContain('Import imp_');
    expect(real.body).not.toContain('this was a dry run');
    expect(real.body).toMatch(/<th scope="row">Added<\/th><td>2<\/td>/);
    expect((await lookup('second@example.com')).body.memberships).toHaveLength(2);
    // The job page can be loaded again by its address.
    const jobPath = /Import (imp_\w+)/.exec(real.body)![1];
    expect((await html(await web.get(`/console/imports/${jobPath}`, admin))).body).toContain('3 rows read');

    // Without consent, each new address is asked to confirm by email, from this function.
    const unconsented = await follow(await upload('email,lists\nasked@example.com,events\n'));
    expect(unconsented.body).toMatch(/<th scope="row">Asked to confirm<\/th><td>1<\/td>/);
    const asked = (await pressroom.client.mail()).filter((m) => m.to.includes('asked@example.com'));
    expect(asked).toHaveLength(1);
    expect((await lookup('asked@example.com')).body.memberships).toEqual([expect.objectContaining({ listId: 'events', status: 'pending' })]);

    const empty = await html(await upload(''));
    expect(empty.status).toBe(400);
    expect(empty.body).toContain('file: choose a CSV file that is not empty');
    const noHeader = await follow(await upload('name\nx\n', { consent: true }));
    expect(noHeader.body).toContain('This file could not be imported');
    expect((await web.get('/console/imports/imp_none', admin)).status).toBe(404);
    expect((await html(await web.get('/console/imports', admin))).body).toContain('Files up to 10 MB');
  });

  it('exports a list as a job whose page links to the CSV once written', async () => {
    await pressroom.client.addSubscribers({ email: 'exported@example.com', lists: ['events'] });
    const requested = await post('/console/lists/events/exports', {});
    expect(requested.status).toBe(303);
    const location = requested.headers.get('location')!;
    expect(location).toMatch(/^\/console\/exports\/exp_\w+$/);
    await pressroom.settle();
    const done = await html(await web.get(location, admin));
    expect(done.body).toContain('status-done">done');
    const href = /<a href="([^"]+)">Download events\.csv<\/a>/.exec(done.body)?.[1];
    expect(href).toBeDefined();
    const csv = await (await fetch(href!.replace(/&amp;/g, '&'))).text();
    expect(csv.split('\n')[0]).toMatch(/^email,/);
    expect(csv).toContain('exported@example.com');
    expect((await post('/console/lists/no-such-list/exports', {})).status).toBe(404);
  });

  it('shows each queue\'s dead letters and redrives one after a confirmation page', async () => {
    // An export job nobody stored yet: the bulk worker cannot find it and it dead-letters.
    const bulk = pressroom.queues.byName.get('bulk') as unknown as JobQueue<unknown>;
    await bulk.send([{ kind: 'export', exportId: 'exp_redriven' }]);
    await pressroom.settle();
    const page = await html(await web.get('/console/dead-letters', admin));
    expect(page.status).toBe(200);
    expect(page.body).toMatch(/<td data-label="Queue">bulk<\/td><td data-label="Dead letters">1<\/td>/);
    expect(page.body).toMatch(/<td data-label="Queue">send<\/td><td data-label="Dead letters">0<\/td>/);
    const confirm = await html(await web.get('/console/dead-letters/bulk/redrive', admin));
    expect(confirm.body).toContain('Send the 1 dead letters of the bulk queue back');
    expect((await web.get('/console/dead-letters/nowhere/redrive', admin)).status).toBe(404);

    // Fix the cause, then redrive: the job runs and its file is written.
    expect(await pressroom.adapters.exportJobs.create(newExportJob('exp_redriven', 'blog', new Date()))).toBe(true);
    const redriven = await follow(await post('/console/dead-letters/bulk/redrive', {}));
    expect(redriven.body).toContain('The bulk dead letters are on their way back to their queue.');
    await pressroom.settle();
    expect((await pressroom.adapters.exportJobs.get('exp_redriven'))?.status).toBe('done');
    expect((await html(await web.get('/console/dead-letters', admin))).body).toMatch(/bulk<\/td><td data-label="Dead letters">0</);
  });
});
