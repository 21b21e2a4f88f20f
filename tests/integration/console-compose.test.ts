import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

/**
 * Composing in the console through the local runner over HTTP: drafts, preview, test send and
 * publishing, which runs the webhook's own use case; and the refusals (role, CSRF, origin).
 */
describe('console compose over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let consoleClient: ConsoleClient;
  let writer: string;
  let editor: string;

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_STAFF: 'writer@example.org=contributor,editor@example.org=editor' } });
    consoleClient = new ConsoleClient(pressroom);
    writer = await consoleClient.signIn('writer@example.org');
    editor = await consoleClient.signIn('editor@example.org');
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  const mailTo = async (email: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(email));
  const csrfOf = async (cookie: string, path = '/console/compose') => csrfTokenIn(await (await consoleClient.get(path, cookie)).text())!;
  const form = (title: string, extra: Record<string, string> = {}) => ({
    title,
    format: 'markdown',
    body: `# ${title}\n\nWe shipped **faster sends** for everyone. [Read more](https://example.org/more).`,
    summary: 'Faster sends for everyone.',
    lists: 'blog',
    tags: 'product, news',
    language: 'en',
    embargo: '',
    social: 'local',
    ...extra,
  });
  const draftIdOf = (location: string | null) => /^\/console\/drafts\/([^?]+)\?saved=1$/.exec(location ?? '')?.[1];
  const adminGet = (path: string) => fetch(`${pressroom.url}${path}`, { headers: { authorization: `Bearer ${pressroom.secrets.adminToken}` } });

  it('lets a contributor save a draft that nothing public sees, and refuses them publishing it (403, nothing changes)', async () => {
    const page = await consoleClient.get('/console/compose', writer);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<h1>Compose a release</h1>');
    expect(html).toMatch(/<button type="submit" name="action" value="publish" class="publish" disabled="" aria-describedby="publish-reason">/);

    const csrf = csrfTokenIn(html)!;
    const saved = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'save', ...form('Writer draft') } });
    expect(saved.status).toBe(303);
    const id = draftIdOf(saved.headers.get('location'))!;
    expect(id).toMatch(/^writer-draft-[0-9a-f]{8}$/);
    const draftPage = await (await consoleClient.get(saved.headers.get('location')!, writer)).text();
    expect(draftPage).toContain('Draft saved.');
    expect(draftPage).toContain('value="Writer draft"');

    // A draft is not a release: no status, no web version, no feed entry.
    expect((await adminGet(`/admin/releases/${id}`)).status).toBe(404);
    expect((await fetch(`${pressroom.url}/releases/${id}`)).status).toBe(404);
    expect(await (await fetch(`${pressroom.url}/feeds/all.json`)).text()).not.toContain(id);

    const refused = await consoleClient.post(`/console/drafts/${id}`, { cookie: writer, form: { csrf, action: 'publish', ...form('Writer draft, changed') } });
    expect(refused.status).toBe(403);
    expect((await adminGet(`/admin/releases/${id}`)).status).toBe(404);
    // Not even saved: the role is checked before anything is written.
    expect(await (await consoleClient.get(`/console/drafts/${id}`, writer)).text()).toContain('value="Writer draft"');
  });

  it('previews the rendered email in sandboxed frames at 600 and 375 px, with preflight findings and each channel’s count', async () => {
    const csrf = await csrfOf(writer);
    const answer = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'preview', ...form('Preview me <b>now</b>') } });
    expect(answer.status).toBe(200);
    const csp = answer.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    const html = await answer.text();
    const frames = [...html.matchAll(/<iframe class="frame-(\d+)" width="(\d+)"[^>]* sandbox="" [^>]*srcdoc="([^"]*)"/g)];
    expect(frames.map((f) => [f[1], f[2]])).toEqual([
      ['600', '600'],
      ['375', '375'],
    ]);
    // The email itself, escaped into the attribute: no raw markup of it leaks into the page.
    expect(frames[0][3]).toContain('&lt;html');
    expect(frames[0][3]).toContain('Preview me &amp;lt;b&amp;gt;now&amp;lt;/b&amp;gt;');
    expect(html).not.toContain('<b>now</b>');
    expect(html).toMatch(/Subject: <strong>Preview me &lt;b&gt;now&lt;\/b&gt;<\/strong>/);
    expect(html).toMatch(/Preflight: no findings\.|<h3>Preflight findings<\/h3>/);
    expect(html).toMatch(/id="count-local" aria-live="polite">\d+ of 500 characters \(formatted summary\)/);
    // Nothing was stored by a preview.
    expect(await (await consoleClient.get('/console/drafts', writer)).text()).not.toContain('Preview me');
  });

  it('answers counts as JSON to the counts script, computed by the channel’s own format and check', async () => {
    const csrf = await csrfOf(writer);
    const answer = await consoleClient.post('/console/compose/counts', { cookie: writer, form: { csrf, ...form('Counted'), 'social-text-local': 'x'.repeat(501) } });
    expect(answer.status).toBe(200);
    const { counts } = (await answer.json()) as { counts: { channel: string; length: number; limit: number; own: boolean; problem?: string }[] };
    expect(counts).toEqual([{ channel: 'local', enabled: true, own: true, text: 'x'.repeat(501), length: 501, limit: 500, problem: expect.stringContaining('501') }]);
  });

  it('refuses a post without the CSRF token or from another origin (403), and saves nothing', async () => {
    const csrf = await csrfOf(writer);
    const before = await (await consoleClient.get('/console/drafts', writer)).text();
    const noToken = await consoleClient.post('/console/compose', { cookie: writer, form: { action: 'save', ...form('Forged one') } });
    expect(noToken.status).toBe(403);
    const crossOrigin = await consoleClient.post('/console/compose', { cookie: writer, origin: 'https://evil.example', form: { csrf, action: 'save', ...form('Forged two') } });
    expect(crossOrigin.status).toBe(403);
    const counts = await consoleClient.post('/console/compose/counts', { cookie: writer, origin: 'https://evil.example', form: { csrf, ...form('Forged three') } });
    expect(counts.status).toBe(403);
    const noSession = await consoleClient.post('/console/compose', { form: { csrf, action: 'save', ...form('Forged four') } });
    expect(noSession.status).toBe(401);
    expect(await (await consoleClient.get('/console/drafts', writer)).text()).toBe(before);
  });

  it('shows a field the release cannot have on the form itself (an unknown list), keeping what was typed', async () => {
    const csrf = await csrfOf(writer);
    const answer = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'preview', ...form('Bad list', { lists: 'no-such-list' }) } });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('lists.0: unknown list &quot;no-such-list&quot;');
    expect(html).toContain('value="Bad list"');
  });

  it('test-sends a draft to a staff address only', async () => {
    const csrf = await csrfOf(writer);
    const sent = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'test', testTo: 'editor@example.org', ...form('Tested draft') } });
    expect(sent.status).toBe(200);
    expect(await sent.text()).toContain('Test sent to editor@example.org.');
    const [mail] = (await mailTo('editor@example.org')).filter((m) => m.subject?.includes('Tested draft'));
    expect(mail.subject).toBe('[TEST] Tested draft');

    const stranger = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'test', testTo: 'stranger@example.org', ...form('Tested draft') } });
    expect(stranger.status).toBe(400);
    expect(await stranger.text()).toContain('testTo: test sends go to staff addresses only');
    expect(await mailTo('stranger@example.org')).toHaveLength(0);
  });

  it('lets an editor publish a contributor’s draft: sent to the list’s subscribers once, listed in the releases, published by the editor, the draft gone', async () => {
    await pressroom.client.addSubscribers({ email: 'reader@example.org', lists: ['blog'] });
    const writerCsrf = await csrfOf(writer);
    const saved = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf: writerCsrf, action: 'save', ...form('Published from the console') } });
    const id = draftIdOf(saved.headers.get('location'))!;

    const csrf = await csrfOf(editor, `/console/drafts/${id}`);
    // Without the confirmation ticked, nothing is saved or sent, and the form says why.
    const unconfirmed = await consoleClient.post(`/console/drafts/${id}`, { cookie: editor, form: { csrf, action: 'publish', ...form('Published from the console') } });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('to publish; nothing was saved or sent');
    expect((await consoleClient.get(`/console/drafts/${id}`, editor)).status).toBe(200);
    const published = await consoleClient.post(`/console/drafts/${id}`, { cookie: editor, form: { csrf, action: 'publish', confirmPublish: 'yes', ...form('Published from the console') } });
    expect(published.status).toBe(303);
    expect(published.headers.get('location')).toBe('/console/releases');
    // Pressing it twice (a double click, a retry) sends nothing more: the draft is gone.
    const again = await consoleClient.post(`/console/drafts/${id}`, { cookie: editor, form: { csrf, action: 'publish', confirmPublish: 'yes', ...form('Published from the console') } });
    expect(again.status).toBe(404);
    await pressroom.settle(30_000);

    const received = (await mailTo('reader@example.org')).filter((m) => m.subject === 'Published from the console');
    expect(received).toHaveLength(1);
    const status = (await (await adminGet(`/admin/releases/${id}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ id, publishedBy: 'editor@example.org', url: `${pressroom.url}/releases/${id}` });
    const listed = await (await consoleClient.get('/console/releases', editor)).text();
    expect(listed).toContain('Published from the console');
    expect(listed).toContain('<span class="muted"> by editor@example.org</span>');
    expect((await consoleClient.get(`/console/drafts/${id}`, editor)).status).toBe(404);
    expect(await (await consoleClient.get('/console/drafts', editor)).text()).not.toContain(id);
    await pressroom.scheduler.runNow('post-social');
    expect((await pressroom.client.social()).filter((p) => p.releaseId === id).map((p) => p.channel)).toEqual(['local']);
  });

  it('lets an editor publish straight from the compose form under embargo: stored with its embargo, nothing sent yet, no draft left behind', async () => {
    const csrf = await csrfOf(editor);
    const before = await (await consoleClient.get('/console/drafts', editor)).text();
    const embargo = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16);
    const published = await consoleClient.post('/console/compose', { cookie: editor, form: { csrf, action: 'publish', confirmPublish: 'yes', ...form('Embargoed from the console', { embargo }) } });
    expect(published.status).toBe(303);
    await pressroom.settle(30_000);
    const releases = await (await consoleClient.get('/console/releases', editor)).text();
    expect(releases).toContain('Embargoed from the console');
    expect(releases).toContain(`${embargo.replace('T', ' ')} UTC`);
    expect((await mailTo('reader@example.org')).filter((m) => m.subject === 'Embargoed from the console')).toHaveLength(0);
    expect(await (await consoleClient.get('/console/drafts', editor)).text()).toBe(before);
  });

  it('refuses to overwrite a draft someone saved after the form was opened (409), keeping their save', async () => {
    const writerCsrf = await csrfOf(writer);
    const saved = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf: writerCsrf, action: 'save', ...form('Shared draft') } });
    const id = draftIdOf(saved.headers.get('location'))!;
    const version = /name="version" value="([^"]+)"/.exec(await (await consoleClient.get(`/console/drafts/${id}`, writer)).text())![1];

    const editorCsrf = await csrfOf(editor, `/console/drafts/${id}`);
    const editorSave = await consoleClient.post(`/console/drafts/${id}`, { cookie: editor, form: { csrf: editorCsrf, version, action: 'save', ...form('Shared draft, edited by the editor') } });
    expect(editorSave.status).toBe(303);

    const stale = await consoleClient.post(`/console/drafts/${id}`, { cookie: writer, form: { csrf: writerCsrf, version, action: 'save', ...form('Shared draft, edited by the writer') } });
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('editor@example.org saved this draft at');
    // What the writer typed stays on the form for them to copy.
    expect(html).toContain('value="Shared draft, edited by the writer"');
    expect(await (await consoleClient.get(`/console/drafts/${id}`, writer)).text()).toContain('value="Shared draft, edited by the editor"');
  });

  it('deletes a draft only once the member confirms; a deleted draft is gone', async () => {
    const csrf = await csrfOf(writer);
    const saved = await consoleClient.post('/console/compose', { cookie: writer, form: { csrf, action: 'save', ...form('A draft to throw away') } });
    const id = draftIdOf(saved.headers.get('location'))!;
    const draftCsrf = await csrfOf(writer, `/console/drafts/${id}`);
    const unconfirmed = await consoleClient.post(`/console/drafts/${id}`, { cookie: writer, form: { csrf: draftCsrf, action: 'delete', ...form('A draft to throw away') } });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('nothing was deleted');
    expect((await consoleClient.get(`/console/drafts/${id}`, writer)).status).toBe(200);
    const deleted = await consoleClient.post(`/console/drafts/${id}`, { cookie: writer, form: { csrf: draftCsrf, action: 'delete', confirmDelete: 'yes', ...form('A draft to throw away') } });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/console/drafts?deleted=1');
    expect(await (await consoleClient.get('/console/drafts?deleted=1', writer)).text()).toContain('Draft deleted.');
    expect((await consoleClient.get(`/console/drafts/${id}`, writer)).status).toBe(404);
    // Deleting it again finds nothing, and changes nothing.
    expect((await consoleClient.post(`/console/drafts/${id}`, { cookie: writer, form: { csrf: draftCsrf, action: 'delete', confirmDelete: 'yes', ...form('x') } })).status).toBe(404);
  });
});
