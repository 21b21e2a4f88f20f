import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleClient, csrfTokenIn } from '../helpers/console';
import { startTestPressroom } from '../helpers/local-pressroom';

const wordpressFeed = readFileSync(join(import.meta.dirname, '../fixtures/feeds/wordpress/feed-rss2.xml'), 'utf8');

/**
 * A WordPress site's feed on 127.0.0.1 (the fixture WordPress wrote, two posts), to which the test
 * adds posts; served as tests/integration/sources.test.ts serves it (local mode lets the guarded
 * fetcher reach plain http on loopback).
 */
class FeedSite {
  private server!: Server;
  url = '';
  extra: { guid: string; title: string; text: string; categories: string[] }[] = [];

  async start() {
    this.server = createServer((_request, response) => {
      const items = this.extra
        .map(
          (post) => `<item>
		<title>${post.title}</title>
		<link>${this.url}/articles/${post.guid}</link>
		<pubDate>${new Date().toUTCString()}</pubDate>
		${post.categories.map((c) => `<category><![CDATA[${c}]]></category>`).join('\n\t\t')}
		<guid isPermaLink="false">https://example.org/?p=${post.guid}</guid>
		<description><![CDATA[${post.text.slice(0, 80)} [&#8230;]]]></description>
		<content:encoded><![CDATA[<p>${post.text}</p>]]></content:encoded>
	</item>`,
        )
        .join('\n');
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8' }).end(wordpressFeed.replace('<item>', `${items}\n<item>`));
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * The console's sources pages through the local runner over HTTP: an admin adds a feed from the
 * form, an editor polls it and publishes a post; a Ghost source's secret is shown once; and the
 * refusals (role, CSRF).
 */
describe('console sources over HTTP', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let site: FeedSite;
  let consoleClient: ConsoleClient;
  let admin: string;
  let editor: string;
  let writer: string;

  beforeAll(async () => {
    site = new FeedSite();
    await site.start();
    pressroom = await startTestPressroom({ env: { PRESSROOM_STAFF: 'admin@example.org=admin,editor@example.org=editor,writer@example.org=contributor' } });
    consoleClient = new ConsoleClient(pressroom);
    admin = await consoleClient.signIn('admin@example.org');
    editor = await consoleClient.signIn('editor@example.org');
    writer = await consoleClient.signIn('writer@example.org');
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
    await site?.stop();
  });

  const csrfOf = async (cookie: string, path = '/console/sources') => csrfTokenIn(await (await consoleClient.get(path, cookie)).text())!;
  const feedForm = (csrf: string, extra: Record<string, string> = {}) => {
    const form = new URLSearchParams([
      ['csrf', csrf],
      ['kind', 'feed'],
      ['name', 'Example Org blog'],
      ['url', `${site.url}/feed/`],
      ['mode', 'send'],
      ['pollMinutes', '15'],
      ['category', 'Blog'],
      ['list', 'blog'],
      ['category', 'Press Releases'],
      ['list', 'press-releases'],
      ['category', ''],
      ['list', ''],
      ['otherwise', ''],
    ]);
    for (const [name, value] of Object.entries(extra)) form.set(name, value);
    return form;
  };
  const mailTo = async (address: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(address));
  const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

  it('lets an admin add a feed from the form; an editor polls it, sees its posts, and publishes a new one (mailed once to its list)', async () => {
    const reader = 'reader-sources@example.com';
    await pressroom.client.addSubscribers([{ email: reader, lists: ['blog'] }]);

    const listPage = await (await consoleClient.get('/console/sources', admin)).text();
    expect(listPage).toContain('<h1>Sources</h1>');
    expect(listPage).toContain('No sources yet.');
    expect(listPage).toContain('Send new posts at once');
    expect(listPage).toContain('Keep new posts as drafts');

    const added = await consoleClient.post('/console/sources', { cookie: admin, form: feedForm(csrfTokenIn(listPage)!) });
    expect(added.status).toBe(303);
    const location = added.headers.get('location')!;
    expect(location).toMatch(/^\/console\/sources\/src-[0-9a-f]{8}\?done=added$/);
    const sourcePath = location.split('?')[0];

    const fresh = text(await (await consoleClient.get(location, editor)).text());
    expect(fresh).toContain('The source is added.');
    expect(fresh).toContain('Example Org blog');
    expect(fresh).toContain('every 15 minutes');
    expect(fresh).toContain('Blog → Blog');
    expect(fresh).toContain('Press Releases → Press Releases');
    expect(fresh).toContain('Not polled yet');
    // An editor polls and publishes; changing the settings and removing are for admins.
    expect(fresh).not.toContain('Change the settings');

    // The first poll marks the two posts already there as seen, and mails nothing.
    const csrf = await csrfOf(editor, sourcePath);
    const first = await consoleClient.post(`${sourcePath}/poll`, { cookie: editor, form: { csrf } });
    expect(first.status).toBe(303);
    const afterFirst = await (await consoleClient.get(first.headers.get('location')!, editor)).text();
    expect(text(afterFirst)).toContain('Polled: 2 seen.');
    expect(afterFirst).toContain('Spring volunteer training: sign up now');
    expect(afterFirst.match(/>seen \(not sent\)</g)).toHaveLength(2);
    expect(afterFirst.match(/>Publish now</g)).toHaveLength(2);

    site.extra.push({ guid: 'console-1', title: 'Town hall from the console', text: 'Join us at the town hall on Thursday. '.repeat(30), categories: ['Blog'] });
    const second = await consoleClient.post(`${sourcePath}/poll`, { cookie: editor, form: { csrf } });
    const afterSecond = await (await consoleClient.get(second.headers.get('location')!, editor)).text();
    expect(text(afterSecond)).toContain('Polled: 1 new post published.');
    const releaseLink = /href="(\/console\/releases\/src-[^"]+)"/.exec(afterSecond)?.[1];
    expect(releaseLink).toBeDefined();
    expect(text(afterSecond)).toMatch(/Town hall from the console first seen [^|]*? published/);
    await pressroom.settle();
    expect((await mailTo(reader)).map((m) => m.subject)).toEqual(['Town hall from the console']);
    expect((await consoleClient.get(releaseLink!, editor)).status).toBe(200);

    // A post seen at the connection, published by hand: it becomes a release too.
    const seenId = /action="\/console\/sources\/src-[0-9a-f]+\/items\/([^/"]+)\/publish"/.exec(afterSecond)![1];
    const published = await consoleClient.post(`${sourcePath}/items/${seenId}/publish`, { cookie: editor, form: { csrf } });
    expect(published.headers.get('location')).toBe(`${sourcePath}?done=item-published`);
    const afterPublish = await (await consoleClient.get(published.headers.get('location')!, editor)).text();
    expect(afterPublish).toContain('The post is published.');
    expect(afterPublish).toContain(`href="/console/releases/${seenId}"`);
    expect(afterPublish.match(/>Publish now</g)).toHaveLength(1);

    // The list shows it with its last poll and the posts it knows.
    const list = text(await (await consoleClient.get('/console/sources', editor)).text());
    expect(list).toMatch(/Example Org blog .*Feed Send new posts at once .*Blog → Blog .*read 3/);
  });

  it('shows the add form again with each problem beside its field and the values as typed', async () => {
    const csrf = await csrfOf(admin);
    const refused = await consoleClient.post('/console/sources', { cookie: admin, form: feedForm(csrf, { url: 'not a url', pollMinutes: '2' }) });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('There is a problem');
    expect(html).toMatch(/<p id="new-url-error" class="error">must be an absolute http\(s\) URL<\/p><input id="new-url" name="url" type="url" value="not a url"/);
    expect(html).toMatch(/id="new-pollMinutes-error" class="error">[^<]*5/);
    expect(html).toContain('value="Example Org blog"');
    expect(html).toMatch(/<option value="press-releases" selected="">Press Releases<\/option>/);

    // Lists are checked once the fields are right: each unknown one beside its row.
    // The first row's list typed wrong (the API takes names too; a tool may post one).
    const form = new URLSearchParams([...feedForm(csrf, { otherwise: 'no-such-list' })].map(([name, value]): [string, string] => [name, name === 'list' && value === 'blog' ? 'Blgo' : value]));
    const unknown = await (await consoleClient.post('/console/sources', { cookie: admin, form })).text();
    expect(unknown).toMatch(/<p id="new-list-0-error" class="error">unknown list &quot;Blgo&quot;[^<]*<\/p><select id="new-list-0" name="list" aria-label="List for row 1" aria-describedby="new-list-0-error" aria-invalid="true">/);
    expect(unknown).toMatch(/<p id="new-otherwise-error" class="error">unknown list &quot;no-such-list&quot;/);
    expect(unknown).not.toContain('new-list-1-error');
  });

  it('shows a Ghost source its webhook URL and secret once; its page never shows the secret again', async () => {
    const csrf = await csrfOf(admin);
    const form = new URLSearchParams({ csrf, kind: 'ghost', name: 'Our Ghost', url: '', mode: 'hold', pollMinutes: '10', category: 'news', list: 'blog', otherwise: '' });
    const added = await consoleClient.post('/console/sources', { cookie: admin, form });
    expect(added.status).toBe(201);
    const html = await added.text();
    const webhookUrl = /id="webhook-url" type="text" readonly="" value="([^"]+)"/.exec(html)?.[1];
    const secret = /id="webhook-secret" type="text" readonly="" value="([^"]+)"/.exec(html)?.[1];
    expect(webhookUrl).toMatch(new RegExp(`^${pressroom.url}/webhooks/ghost/src-[0-9a-f]{8}$`));
    expect(secret).toMatch(/^[A-Za-z0-9_-]{32}$/);

    const id = webhookUrl!.split('/').at(-1)!;
    const page = await (await consoleClient.get(`/console/sources/${id}`, admin)).text();
    expect(page).toContain(webhookUrl);
    expect(page).toContain('Keep new posts as drafts');
    expect(page).not.toContain(secret);
    expect(page).not.toContain('Poll now');
    expect(await (await consoleClient.get('/console/sources', admin)).text()).not.toContain(secret);
  });

  it('lets an admin change the settings, and remove a source only through the confirmation step', async () => {
    const csrf = await csrfOf(admin);
    const added = await consoleClient.post('/console/sources', { cookie: admin, form: feedForm(csrf, { name: 'To change' }) });
    const path = added.headers.get('location')!.split('?')[0];
    const changed = await consoleClient.post(path, {
      cookie: admin,
      form: new URLSearchParams({ csrf, name: 'Changed', url: `${site.url}/feed/`, mode: 'hold', pollMinutes: '30', category: 'Blog', list: 'blog', otherwise: 'press-releases' }),
    });
    expect(changed.headers.get('location')).toBe(`${path}?done=saved`);
    const page = text(await (await consoleClient.get(path, admin)).text());
    expect(page).toMatch(/Changed .*Keep new posts as drafts .*every 30 minutes .*Blog → Blog .*everything else → Press Releases/);

    // Without the confirmation page's field, a removal only leads to that page.
    const unconfirmed = await consoleClient.post(`${path}/remove`, { cookie: admin, form: { csrf } });
    expect(unconfirmed.headers.get('location')).toBe(`${path}/remove`);
    expect((await consoleClient.get(path, admin)).status).toBe(200);
    const confirmPage = await (await consoleClient.get(`${path}/remove`, admin)).text();
    expect(confirmPage).toContain('<h1>Remove Changed?</h1>');
    const removed = await consoleClient.post(`${path}/remove`, { cookie: admin, form: { csrf, confirm: 'remove' } });
    expect(removed.headers.get('location')).toBe('/console/sources?done=removed');
    expect((await consoleClient.get(path, admin)).status).toBe(404);
  });

  it('refuses a contributor (403), an editor adding or removing (403), and a form without the CSRF token (403); nothing is added', async () => {
    const sourcesListed = async () => (await (await consoleClient.get('/console/sources', admin)).text()).match(/href="\/console\/sources\/src-/g)?.length ?? 0;
    const before = await sourcesListed();
    expect((await consoleClient.get('/console/sources', writer)).status).toBe(403);
    expect((await consoleClient.post('/console/sources', { cookie: writer, form: feedForm(await csrfOf(writer, '/console/compose')) })).status).toBe(403);
    expect((await consoleClient.post('/console/sources', { cookie: editor, form: feedForm(await csrfOf(editor)) })).status).toBe(403);
    const noCsrf = feedForm('');
    noCsrf.delete('csrf');
    expect((await consoleClient.post('/console/sources', { cookie: admin, form: noCsrf })).status).toBe(403);
    expect((await consoleClient.post('/console/sources', { cookie: admin, form: feedForm(await csrfOf(admin)), origin: 'https://evil.example' })).status).toBe(403);
    expect(await sourcesListed()).toBe(before);
    // The navigation offers the pages to editors and admins only.
    expect(await (await consoleClient.get('/console/sources', editor)).text()).toContain('<a href="/console/sources">Sources</a>');
    expect(await (await consoleClient.get('/console/compose', writer)).text()).not.toContain('href="/console/sources"');
  });
});
