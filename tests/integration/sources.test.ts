import { createServer, type Server } from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
import { startTestPressroom } from '../helpers/local-pressroom';
import { signGhostPayload } from '../../functions/domain/source/ghost';

const fixtures = join(import.meta.dirname, '../fixtures');
const wordpressFeed = readFileSync(join(fixtures, 'feeds/wordpress/feed-rss2.xml'), 'utf8');
const articlePage = readFileSync(join(fixtures, 'feeds/readability/source.html'), 'utf8');
const ghostPublished = readFileSync(join(fixtures, 'ghost/post-published.json'), 'utf8');

/**
 * A WordPress feed as WordPress writes it (tests/fixtures/feeds/wordpress), with posts added or
 * edited by the test: each new post is the fixture's first item with its own guid, title, text and
 * categories.
 */
class FeedSite {
  private server!: Server;
  url = '';
  extra: { guid: string; title: string; text: string; categories: string[]; excerptOnly?: boolean; date?: string }[] = [];
  requests: { path: string; ifNoneMatch?: string }[] = [];
  notAFeed = false;

  async start() {
    this.server = createServer((request, response) => {
      this.requests.push({ path: request.url ?? '', ifNoneMatch: request.headers['if-none-match'] });
      if (request.url?.startsWith('/articles/')) {
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(articlePage);
        return;
      }
      if (this.notAFeed) {
        response.writeHead(200, { 'content-type': 'text/html' }).end(`<html><head><link rel="alternate" type="application/rss+xml" href="${this.url}/feed/"></head><body>Home</body></html>`);
        return;
      }
      const body = this.feed();
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag }).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/rss+xml; charset=UTF-8', etag }).end(body);
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
  }

  feed(): string {
    const items = this.extra
      .map(
        (post) => `<item>
		<title>${post.title}</title>
		<link>${this.url}/articles/${post.guid}</link>
		<dc:creator><![CDATA[Staff Writer]]></dc:creator>
		<pubDate>${(post.date ??= new Date().toUTCString())}</pubDate>
		${post.categories.map((c) => `<category><![CDATA[${c}]]></category>`).join('\n\t\t')}
		<guid isPermaLink="false">https://example.org/?p=${post.guid}</guid>
		<description><![CDATA[${post.text.slice(0, 80)} [&#8230;]]]></description>
		${post.excerptOnly ? '' : `<content:encoded><![CDATA[<p>${post.text}</p>]]></content:encoded>`}
	</item>`,
      )
      .join('\n');
    // Newest first, as WordPress lists them.
    return wordpressFeed.replace('<item>', `${items}\n<item>`);
  }

  stop() {
    return new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describe('feed sources and Ghost (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  let site: FeedSite;
  const admin = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${pressroom.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${pressroom.secrets.adminToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  const poll = async (id: string) => (await admin('POST', `/admin/sources/${id}/poll`)).body;
  const mailTo = async (address: string) => (await pressroom.client.mail()).filter((m) => m.to.includes(address));

  beforeAll(async () => {
    site = new FeedSite();
    await site.start();
    pressroom = await startTestPressroom();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
    await site?.stop();
  });

  it('given a connected WordPress feed, the first poll mails nothing; a new post is mailed once to its list after the next poll, and not again after another', async () => {
    const tag = randomUUID().slice(0, 8);
    const reader = `blog-${tag}@example.com`;
    const pressReader = `press-${tag}@example.com`;
    await pressroom.client.addSubscribers([{ email: reader, lists: ['blog'] }, { email: pressReader, lists: ['press-releases'] }]);
    const registered = await admin('POST', '/admin/sources', { url: `${site.url}/feed/`, lists: { Blog: 'blog', 'Press Releases': 'Press Releases' }, mode: 'send' });
    expect(registered.status).toBe(201);
    const id = registered.body.source.id as string;
    expect(registered.body.source).toMatchObject({ kind: 'feed', mode: 'send', pollMinutes: 10, lists: { Blog: 'blog', 'Press Releases': 'press-releases' } });

    // The first poll: the sample post (Blog and Press Releases) and the other are already there.
    expect(await poll(id)).toMatchObject({ status: 'ok', inFeed: 2, seen: 2, published: 0 });
    await pressroom.settle();
    expect(await mailTo(reader)).toHaveLength(0);
    expect(await mailTo(pressReader)).toHaveLength(0);

    site.extra.push({ guid: `blog-${tag}`, title: `Town hall ${tag}`, text: `Join us at the town hall on Thursday ${tag}. `.repeat(30), categories: ['Blog', 'Events'] });
    expect(await poll(id)).toMatchObject({ status: 'ok', inFeed: 3, published: 1 });
    await pressroom.settle();
    // A poll with nothing new: the feed answers 304 to the conditional request.
    expect(await poll(id)).toMatchObject({ status: 'not-modified' });
    expect(site.requests.at(-1)?.ifNoneMatch).toBeTruthy();
    await pressroom.settle();

    const mail = await mailTo(reader);
    expect(mail.map((m) => m.subject)).toEqual([`Town hall ${tag}`]);
    expect(await mailTo(pressReader)).toHaveLength(0);

    const details = await admin('GET', `/admin/sources/${id}`);
    expect(details.body).toMatchObject({ itemsSeen: 3, lastPollStatus: 'not-modified' });
    expect(details.body.items[0]).toMatchObject({ title: `Town hall ${tag}`, state: 'published', lists: ['blog'] });
    expect(details.body.secret).toBeUndefined();

    // An edited post is a correction: the web version and the feed show it; nobody gets it twice.
    site.extra[0].text = `Join us at the town hall on Friday ${tag}. `.repeat(30);
    expect(await poll(id)).toMatchObject({ status: 'ok', corrected: 1, published: 0 });
    await pressroom.settle();
    const releaseId = details.body.items[0].releaseId as string;
    const page = await (await fetch(`${pressroom.url}/releases/${releaseId}`)).text();
    expect(page).toContain(`town hall on Friday ${tag}`);
    expect(page).not.toContain(`town hall on Thursday ${tag}`);
    const feed = parseFeed(await (await fetch(`${pressroom.url}/feeds/all.atom`)).text());
    expect(feed.items.find((item) => item.title === `Town hall ${tag}`)?.content).toContain('Friday');
    expect(await mailTo(reader)).toHaveLength(1);
  });

  it('given a post whose categories map to no list, then it is skipped with the reason, and mailed to nobody', async () => {
    const tag = randomUUID().slice(0, 8);
    site.extra = [];
    const { body } = await admin('POST', '/admin/sources', { url: `${site.url}/feed/?skip=${tag}`, lists: { 'Press Releases': 'press-releases' }, mode: 'send' });
    await poll(body.source.id);
    site.extra.push({ guid: `skip-${tag}`, title: `Staff picnic ${tag}`, text: 'Bring a dish. '.repeat(100), categories: ['Internal'] });
    expect(await poll(body.source.id)).toMatchObject({ skipped: 1, published: 0 });
    const details = await admin('GET', `/admin/sources/${body.source.id}`);
    expect(details.body.items[0]).toMatchObject({ state: 'skipped', reason: 'its categories (Internal) map to no list' });
  });

  it('given hold mode, a new post waits as a draft, mailed to nobody, until staff publish it', async () => {
    const tag = randomUUID().slice(0, 8);
    const reader = `held-${tag}@example.com`;
    await pressroom.client.addSubscribers([{ email: reader, lists: ['blog'] }]);
    site.extra = [];
    const { body } = await admin('POST', '/admin/sources', { url: `${site.url}/feed/?hold=${tag}`, lists: { '*': 'blog' }, mode: 'hold' });
    const id = body.source.id as string;
    await poll(id);
    // An excerpt-only feed: the article page is fetched and its main content taken.
    site.extra.push({ guid: `held-${tag}`, title: `Held post ${tag}`, text: `Excerpt of the held post ${tag}`, categories: ['Anything'], excerptOnly: true });
    expect(await poll(id)).toMatchObject({ held: 1, published: 0 });
    await pressroom.settle();
    expect(await mailTo(reader)).toHaveLength(0);
    const item = (await admin('GET', `/admin/sources/${id}`)).body.items[0];
    expect(item).toMatchObject({ state: 'held' });
    const draft = await pressroom.adapters.drafts.get(item.releaseId);
    expect(draft?.fields).toMatchObject({ title: `Held post ${tag}`, lists: ['blog'], url: `${site.url}/articles/held-${tag}` });
    // The article page's own text, not the feed's excerpt.
    expect(draft?.fields.body).toContain('Stack Overflow published its analysis of');

    const published = await admin('POST', `/admin/sources/${id}/items/${item.releaseId}/publish`);
    expect(published).toMatchObject({ status: 200, body: { state: 'published' } });
    await pressroom.settle();
    expect((await mailTo(reader)).map((m) => m.subject)).toEqual([`Held post ${tag}`]);
  });

  it('given a feed address that is a web page, then the poll fails naming the feed the page points to', async () => {
    site.notAFeed = true;
    try {
      const { body } = await admin('POST', '/admin/sources', { url: `${site.url}/home`, lists: { '*': 'blog' }, mode: 'send' });
      expect(await poll(body.source.id)).toMatchObject({ status: 'failed', error: expect.stringContaining(`${site.url}/feed/`) });
      expect((await admin('GET', `/admin/sources/${body.source.id}`)).body).toMatchObject({ lastPollStatus: 'failed', lastError: expect.stringContaining('web page') });
    } finally {
      site.notAFeed = false;
    }
  });

  it('given a due feed, then the schedule polls it', async () => {
    site.extra = [];
    const { body } = await admin('POST', '/admin/sources', { url: `${site.url}/feed/?scheduled`, lists: { '*': 'blog' }, mode: 'send' });
    await pressroom.scheduler.runNow('poll-sources');
    expect((await admin('GET', `/admin/sources/${body.source.id}`)).body).toMatchObject({ lastPollStatus: 'ok', itemsSeen: 2, primedAt: expect.any(String) });
  });

  it('refuses a source with an unknown list or no feed address, naming each field', async () => {
    const answer = await admin('POST', '/admin/sources', { lists: { Blog: 'Blgo' }, mode: 'sometimes' });
    expect(answer.status).toBe(400);
    const fields = (answer.body.issues as { field: string }[]).map((i) => i.field).sort();
    expect(fields).toEqual(['lists.Blog', 'mode', 'url']);
    const unknown = await admin('POST', '/admin/sources', { url: 'https://example.org/feed/', lists: { Blog: 'Blgo' }, mode: 'send' });
    expect(unknown.body.issues).toEqual([{ field: 'lists.Blog', message: expect.stringContaining('unknown list "Blgo"') }]);
  });

  describe('Ghost', () => {
    const deliver = (id: string, body: string, signature: string) =>
      fetch(`${pressroom.url}/webhooks/ghost/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ghost-signature': signature }, body });

    it('given a Ghost source, a signed post.published is mailed, a forged one is refused, and once the source is removed Ghost is told 410', async () => {
      const tag = randomUUID().slice(0, 8);
      const reader = `ghost-${tag}@example.com`;
      await pressroom.client.addSubscribers([{ email: reader, lists: ['press-releases'] }]);
      const registered = await admin('POST', '/admin/sources', { kind: 'ghost', lists: { '*': 'press-releases' }, mode: 'send' });
      expect(registered.status).toBe(201);
      const { source, secret } = registered.body;
      expect(secret).toEqual(expect.any(String));

      const payload = JSON.parse(ghostPublished);
      payload.post.current.id = `ghost-${tag}`;
      payload.post.current.title = `From Ghost ${tag}`;
      const body = JSON.stringify(payload);

      const forged = await deliver(source.id, body, signGhostPayload(body, 'not-the-secret', Date.now()));
      expect(forged.status).toBe(401);
      const stale = await deliver(source.id, body, signGhostPayload(body, secret, Date.now() - 10 * 60_000));
      expect(stale.status).toBe(401);

      const answer = await deliver(source.id, body, signGhostPayload(body, secret, Date.now()));
      expect(answer.status).toBe(200);
      expect(await answer.json()).toMatchObject({ state: 'published', revision: 1 });
      // Ghost sends once, but a second delivery of the same post sends nothing new.
      expect((await deliver(source.id, body, signGhostPayload(body, secret, Date.now()))).status).toBe(200);
      await pressroom.settle();
      expect((await mailTo(reader)).map((m) => m.subject)).toEqual([`From Ghost ${tag}`]);
      // The post is known to the source once, as a feed's are: the console's "Posts known".
      expect((await admin('GET', `/admin/sources/${source.id}`)).body).toMatchObject({ itemsSeen: 1 });

      expect((await admin('DELETE', `/admin/sources/${source.id}`)).status).toBe(200);
      expect((await deliver(source.id, body, signGhostPayload(body, secret, Date.now()))).status).toBe(410);
      expect((await admin('GET', `/admin/sources/${source.id}`)).status).toBe(404);
    });
  });
});
