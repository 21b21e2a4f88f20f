import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
// Catches what the deliberately lenient feed parser forgives (a stray `&`, broken nesting or CDATA).
// It does not check attribute values for a raw `<`: `xmlFeed` below does.
import { XMLValidator } from 'fast-xml-parser';
import { z } from 'zod';
import { startTestPressroom } from '../helpers/local-pressroom';
import { releaseBody, sampleRelease } from '../helpers/releases';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';

/**
 * Feeds and the archive through the local HTTP server, dynalite and the real SDK: releases published
 * through the signed webhook, read back as a feed reader and a browser would.
 */

/** The fields JSON Feed 1.1 requires (https://www.jsonfeed.org/version/1.1/), plus the ones we promise. */
const jsonFeed11 = z.object({
  version: z.literal('https://jsonfeed.org/version/1.1'),
  title: z.string().min(1),
  home_page_url: z.url().optional(),
  feed_url: z.url().optional(),
  authors: z.array(z.object({ name: z.string() })).optional(),
  items: z.array(
    z
      .object({
        id: z.string().min(1),
        url: z.url().optional(),
        title: z.string().optional(),
        content_html: z.string().optional(),
        content_text: z.string().optional(),
        summary: z.string().optional(),
        date_published: z.iso.datetime({ offset: true }).optional(),
        date_modified: z.iso.datetime({ offset: true }).optional(),
        tags: z.array(z.string()).optional(),
        language: z.string().optional(),
      })
      .refine((item) => item.content_html !== undefined || item.content_text !== undefined, 'an item needs content_html or content_text'),
  ),
});

const HOSTILE = '<p onclick="steal()">Read <a href="/about">about us</a> and <a href="javascript:alert(1)">this</a>.</p><script>alert("x")</script><iframe src="https://evil.example"></iframe>';

describe('feeds and the archive over HTTP (local stand-ins)', () => {
  let pressroom: Awaited<ReturnType<typeof startTestPressroom>>;
  // The handlers read time from this clock (the runner's `clock` option): tests move it past an embargo.
  const clock = { aheadMs: 0, now: () => new Date(Date.now() + clock.aheadMs) };
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${pressroom.url}${path}`, { headers });
  const webVersion = (id: string) => `${pressroom.url}/releases/${id}`;
  const embargoEnds = new Date(Date.now() + 3_600_000);

  beforeAll(async () => {
    pressroom = await startTestPressroom({ env: { PRESSROOM_LISTS: 'blog=Blog,press-releases=Press Releases', PRESSROOM_ORG_NAME: 'Example Org' }, clock });
    const at = new Date().toISOString();
    await pressroom.adapters.lists.create({ id: 'partners', name: 'Partners', public: false, archived: false, createdAt: at, updatedAt: at });

    const published = [
      await pressroom.client.publish(
        releaseBody({ id: 'first', title: 'First & <foremost>', publishedAt: '2026-10-01T09:00:00Z', author: 'Ada Lovelace', tags: ['policy'], summary: 'The first one.', html: HOSTILE }),
      ),
      await pressroom.client.publish({ ...sampleRelease(), publishedAt: '2026-10-02T09:30:00Z' }),
      await pressroom.client.publish(releaseBody({ id: 'press-only', title: 'Press only', lists: ['press-releases'], publishedAt: '2026-10-03T10:00:00Z' })),
      await pressroom.client.publish(releaseBody({ id: 'partners-only', title: 'Partners only', lists: ['partners'], publishedAt: '2026-10-04T10:00:00Z' })),
      await pressroom.client.publish(
        releaseBody({ id: 'embargoed', title: 'Under embargo', publishedAt: '2026-10-05T08:00:00Z', embargoUntil: embargoEnds.toISOString() }),
      ),
    ];
    expect(published.map((p) => p.status)).toEqual([202, 202, 202, 202, 202]);
    await pressroom.settle();
  });
  afterAll(async () => {
    await pressroom?.stop();
    pressroom?.cleanup();
  });

  /**
   * When the all-releases feed last changed: its newest release (3 October), unless a list it
   * depends on changed later, as the lists seeded when this test started did.
   */
  async function feedChangedAt(): Promise<Date> {
    const lists = await pressroom.adapters.lists.all();
    return new Date(Math.max(Date.parse('2026-10-03T10:00:00Z'), ...lists.map((l) => Date.parse(l.updatedAt))));
  }

  async function xmlFeed(path: string) {
    const response = await get(path);
    expect(response.status, path).toBe(200);
    const text = await response.text();
    expect(XMLValidator.validate(text), path).toBe(true);
    expect(text, path).not.toMatch(/="[^"]*</);
    return { response, text, feed: parseFeed(text) };
  }

  it('serves all releases as RSS: newest first, with ids, links, dates, author, tags and the sanitised full body', async () => {
    const { response, text, feed } = await xmlFeed('/feeds/all.rss');
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(feed.meta.type).toBe('rss');
    expect(feed.title).toBe('Example Org');
    expect(feed.self).toBe(`${pressroom.url}/feeds/all.rss`);
    expect(feed.url).toBe(`${pressroom.url}/archive`);
    expect(feed.items.map((i) => i.id)).toEqual([webVersion('press-only'), webVersion('ice-retaliation-and-intimidation'), webVersion('first')]);
    const first = feed.items.find((i) => i.id === webVersion('first'))!;
    expect(first).toMatchObject({ title: 'First & <foremost>', url: 'https://example.org/blog/spring-update', description: 'The first one.' });
    // RSS dates have whole seconds.
    expect(first.published).toEqual(new Date('2026-10-01T09:00:00Z'));
    expect(first.authors.map((a) => a.name)).toEqual(['Ada Lovelace']);
    expect(first.categories.map((c) => c.term)).toEqual(['policy']);
    expect(first.content).toContain('<a href="https://example.org/about">about us</a>');
    const sample = feed.items.find((i) => i.id === webVersion('ice-retaliation-and-intimidation'))!;
    expect(sample.content).toContain('Immigration and Customs Enforcement has been targeting');
    for (const hostile of ['<script', 'onclick', 'javascript:', '<iframe', 'evil.example', 'pressroom.invalid']) expect(text).not.toContain(hostile);
  });

  it('serves all releases as Atom with exact dates and self link', async () => {
    const { response, text, feed } = await xmlFeed('/feeds/all.atom');
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    expect(feed.meta.type).toBe('atom');
    expect(feed.self).toBe(`${pressroom.url}/feeds/all.atom`);
    expect(feed.updated).toEqual(await feedChangedAt());
    expect(feed.items.map((i) => i.id)).toEqual([webVersion('press-only'), webVersion('ice-retaliation-and-intimidation'), webVersion('first')]);
    const sample = feed.items[1];
    expect(sample.url).toBe(sampleRelease().url);
    expect(sample.published).toEqual(new Date('2026-10-02T09:30:00Z'));
    expect(sample.updated).toEqual(new Date('2026-10-02T09:30:00Z'));
    expect(sample.authors.map((a) => a.name)).toEqual(["America's Voice"]);
    expect(sample.content).toContain('Immigration and Customs Enforcement has been targeting');
    expect(feed.items[2].title).toBe('First & <foremost>');
    for (const hostile of ['<script', 'onclick', 'javascript:', '<iframe', 'pressroom.invalid']) expect(text).not.toContain(hostile);
  });

  it('serves all releases as valid JSON Feed 1.1', async () => {
    const response = await get('/feeds/all.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/feed+json; charset=utf-8');
    const feed = jsonFeed11.parse(await response.json());
    expect(feed.feed_url).toBe(`${pressroom.url}/feeds/all.json`);
    expect(feed.items.map((i) => i.id)).toEqual([webVersion('press-only'), webVersion('ice-retaliation-and-intimidation'), webVersion('first')]);
    const first = feed.items[2];
    expect(first).toMatchObject({ title: 'First & <foremost>', url: 'https://example.org/blog/spring-update', date_published: '2026-10-01T09:00:00.000Z', tags: ['policy'] });
    expect(first.content_html).toBe('<p>Read <a href="https://example.org/about">about us</a> and this.</p>');
  });

  it("serves each public list's own releases, and 404 for a private, unknown or misnamed feed", async () => {
    const { feed: press } = await xmlFeed('/feeds/press-releases.atom');
    expect(press.title).toBe('Example Org: Press Releases');
    expect(press.items.map((i) => i.id)).toEqual([webVersion('press-only'), webVersion('ice-retaliation-and-intimidation')]);
    const { feed: blog } = await xmlFeed('/feeds/blog.rss');
    expect(blog.items.map((i) => i.id)).toEqual([webVersion('ice-retaliation-and-intimidation'), webVersion('first')]);
    const blogJson = jsonFeed11.parse(await (await get('/feeds/blog.json')).json());
    expect(blogJson.items).toHaveLength(2);
    for (const path of ['/feeds/partners.rss', '/feeds/nope.atom', '/feeds/all.xml', '/feeds/blog']) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it('answers conditional requests with 304, by ETag and by date, until the feed changes', async () => {
    const first = await get('/feeds/all.atom');
    const etag = first.headers.get('etag')!;
    const lastModified = first.headers.get('last-modified')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(lastModified).toBe((await feedChangedAt()).toUTCString());

    const byTag = await get('/feeds/all.atom', { 'if-none-match': etag });
    expect(byTag.status).toBe(304);
    expect(byTag.headers.get('etag')).toBe(etag);
    expect(await byTag.text()).toBe('');
    expect((await get('/feeds/all.atom', { 'if-modified-since': lastModified })).status).toBe(304);
    const secondBefore = new Date(Date.parse(lastModified) - 1000).toUTCString();
    expect((await get('/feeds/all.atom', { 'if-modified-since': secondBefore })).status).toBe(200);
    expect((await get('/feeds/all.atom', { 'if-none-match': '"something-else"' })).status).toBe(200);
    // The ETag belongs to one representation: the RSS of the same feed does not match it.
    expect((await get('/feeds/all.rss', { 'if-none-match': etag })).status).toBe(200);
  });

  it('keeps an embargoed release out of feeds, the archive and its web version until the embargo ends', async () => {
    expect((await get('/releases/embargoed')).status).toBe(404);
    expect(await (await get('/feeds/all.atom')).text()).not.toContain('embargoed');
    expect(await (await get('/feeds/blog.json')).text()).not.toContain('embargoed');
    expect(await (await get('/archive')).text()).not.toContain('embargoed');
    const before = await get('/feeds/all.atom');

    clock.aheadMs = 3_660_000;
    try {
      const { feed } = await xmlFeed('/feeds/all.atom');
      expect(feed.items[0].id).toBe(webVersion('embargoed'));
      // Dated by its publication, but the feed changed when the embargo ended.
      expect(feed.items[0].published).toEqual(new Date('2026-10-05T08:00:00Z'));
      const after = await get('/feeds/all.atom', { 'if-none-match': before.headers.get('etag')! });
      expect(after.status).toBe(200);
      expect(after.headers.get('last-modified')).toBe(embargoEnds.toUTCString());
      expect((await get('/feeds/all.atom', { 'if-modified-since': before.headers.get('last-modified')! })).status).toBe(200);
      expect((await get('/releases/embargoed')).status).toBe(200);
      expect(await (await get('/archive')).text()).toContain(`href="${webVersion('embargoed')}"`);
    } finally {
      clock.aheadMs = 0;
    }
  });

  it('lists past releases on the archive page, newest first, each linking to a web version that exists', async () => {
    const response = await get('/archive');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<h1>Archive</h1>');
    const links = [...html.matchAll(/<h2><a href="([^"]+)">/g)].map((m) => m[1]);
    expect(links).toEqual([webVersion('press-only'), webVersion('ice-retaliation-and-intimidation'), webVersion('first')]);
    expect(html).toContain('<time datetime="2026-10-01T09:00:00.000Z">October 1, 2026</time>');
    expect(html).toContain('First &amp; &lt;foremost&gt;');
    expect(html).not.toContain('partners-only');
    for (const feed of ['all.rss', 'all.atom', 'all.json', 'blog.rss', 'press-releases.json']) expect(html).toContain(`href="${pressroom.url}/feeds/${feed}"`);
    expect(html).not.toContain('/feeds/partners.');
    // Feed readers discover the feeds from the head; search engines may list the archive.
    expect(html).toContain(`<link rel="alternate" type="application/rss+xml" title="All releases (RSS)" href="${pressroom.url}/feeds/all.rss"/>`);
    expect(html).toContain(`<link rel="alternate" type="application/feed+json" title="All releases (JSON Feed)" href="${pressroom.url}/feeds/all.json"/>`);
    expect(html).not.toContain('noindex');
    for (const link of links) expect((await fetch(link)).status, link).toBe(200);
  });

  it('pages the archive with a cursor, and answers 400 to a cursor it did not make', async () => {
    const lists = new Set(['blog']);
    for (let i = 0; i < 30; i++) {
      const body = releaseBody({ id: `old-${String(i).padStart(2, '0')}`, publishedAt: new Date(Date.UTC(2025, 0, 1 + i)).toISOString() });
      await pressroom.adapters.releases.create(newRelease(parseReleaseInput(body, lists), new Date()));
    }
    const ids = (html: string) => [...html.matchAll(/<a href="[^"]+\/releases\/([^"]+)">/g)].map((m) => m[1]);
    const firstPage = await (await get('/archive')).text();
    expect(ids(firstPage)).toHaveLength(25);
    expect(ids(firstPage).slice(0, 4)).toEqual(['press-only', 'ice-retaliation-and-intimidation', 'first', 'old-29']);
    const older = /<a href="([^"]+)" rel="next">Older releases<\/a>/.exec(firstPage)![1].replaceAll('&amp;', '&');
    const secondPage = await (await fetch(older)).text();
    expect(ids(secondPage)).toEqual(['old-07', 'old-06', 'old-05', 'old-04', 'old-03', 'old-02', 'old-01', 'old-00']);
    expect(secondPage).not.toContain('rel="next"');
    expect(secondPage).toContain(`<a href="${pressroom.url}/archive">Newest releases</a>`);

    // An empty cursor (a form sent with nothing in it) is the first page.
    expect((await get('/archive?before=')).status).toBe(200);
    for (const before of ['garbage!', 'Zm9v']) {
      const bad = await get(`/archive?before=${encodeURIComponent(before)}`);
      expect(bad.status, before).toBe(400);
      expect(await bad.text()).toContain('This archive link is not valid');
    }
  });
});
