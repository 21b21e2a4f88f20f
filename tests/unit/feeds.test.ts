import { longDate } from '../../functions/adapters/http/archive-page';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseFeed } from '@rowanmanning/feed-parser';
// Catches what the deliberately lenient feed parser forgives (a stray `&`, broken nesting or CDATA).
// It does not check attribute values: `attributesWellFormed` below does.
import { XMLValidator } from 'fast-xml-parser';
import { buildFeed, FEED_CONTENT_BUDGET_BYTES, FEED_MAX_ITEMS, parseFeedName, type FeedDeps } from '../../functions/domain/feeds/feeds';
import { archivePage, ARCHIVE_PAGE_SIZE } from '../../functions/domain/feeds/archive';
import { cursorPosition, releaseCursor } from '../../functions/domain/feeds/listing';
import { feedResponse, notModified, writeFeed } from '../../functions/adapters/http/feed-writer';
import { webVersion } from '../../functions/domain/release/web-version';
import { newRelease, ReleaseKind, type Release } from '../../functions/domain/release/release';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import { NotFoundError, ValidationError } from '../../functions/domain/errors';
import { FakeClock, MemoryListStore, MemoryReleaseStore } from '../helpers/fakes';
import { releaseBody } from '../helpers/releases';
import { strictXmlError } from '../helpers/strict-xml';

const PUBLIC_URL = 'https://news.example.org';

/** XML forbids a raw `<` inside an attribute value. */
const attributesWellFormed = (xml: string) => !/="[^"]*</.test(xml);
const knownLists = new Set(['blog', 'press-releases', 'partners']);

/** A stored release as publishing makes it; `extra` sets fields the webhook does not take (embargo, kind). */
function release(body: Record<string, unknown>, extra: Partial<Release> & { kind?: string } = {}): Release {
  return { ...newRelease(parseReleaseInput(releaseBody(body), knownLists), new Date('2026-11-01T00:00:00Z')), ...extra };
}

const day = (n: number) => `2026-11-${String(n).padStart(2, '0')}T09:00:00.000Z`;

describe('feeds and archive (domain, in-memory stores)', () => {
  let releases: MemoryReleaseStore;
  let lists: MemoryListStore;
  let clock: FakeClock;
  let deps: FeedDeps;

  beforeEach(() => {
    releases = new MemoryReleaseStore();
    lists = new MemoryListStore([
      { id: 'blog', name: 'Blog', updatedAt: '2026-01-01T00:00:00.000Z' },
      { id: 'press-releases', name: 'Press Releases', description: 'Statements for the press' },
      { id: 'partners', name: 'Partners', public: false },
    ]);
    clock = new FakeClock(new Date('2026-11-29T12:00:00Z'));
    deps = { releases, lists, clock, publicUrl: `${PUBLIC_URL}/`, organisationName: 'Example Org' };
  });

  describe('parseFeedName', () => {
    it('reads the all-releases feed and list feeds in each format', () => {
      expect(parseFeedName('all.rss')).toEqual({ listId: undefined, format: 'rss' });
      expect(parseFeedName('press-releases.atom')).toEqual({ listId: 'press-releases', format: 'atom' });
      expect(parseFeedName('blog.json')).toEqual({ listId: 'blog', format: 'json' });
    });

    it('reads a language between the name and the format, lower-case only', () => {
      expect(parseFeedName('all.es.atom')).toEqual({ listId: undefined, language: 'es', format: 'atom' });
      expect(parseFeedName('blog.pt-br.rss')).toEqual({ listId: 'blog', language: 'pt-br', format: 'rss' });
      for (const name of ['all.ES.atom', 'all.e.atom', 'all.es.es.atom']) expect(() => parseFeedName(name), name).toThrow(NotFoundError);
    });

    it('refuses names no feed has with NotFoundError', () => {
      for (const name of ['all', 'all.xml', 'Blog.rss', '../x.rss', '.rss', 'blog.rss.rss', '']) {
        expect(() => parseFeedName(name), name).toThrow(NotFoundError);
      }
    });
  });

  describe('buildFeed', () => {
    it('lists releases newest first with ids, links, dates, author, tags and the sanitised body', async () => {
      await releases.create(release({ id: 'older', publishedAt: day(2), lists: ['blog'] }));
      await releases.create(
        release({
          id: 'newer',
          title: 'Newer <one> & more',
          publishedAt: day(3),
          lists: ['blog', 'press-releases'],
          author: 'Ada Lovelace',
          tags: ['policy', 'news'],
          summary: 'Short summary.',
          html: '<p onclick="steal()">Read <a href="/about">about us</a> <img src="pic.png" alt="A picture"></p><script>alert(1)</script>',
        }),
      );
      const feed = await buildFeed(parseFeedName('all.rss'), deps);
      expect(feed.items.map((i) => i.id)).toEqual([`${PUBLIC_URL}/releases/newer`, `${PUBLIC_URL}/releases/older`]);
      const [item] = feed.items;
      expect(item).toMatchObject({
        title: 'Newer <one> & more',
        url: 'https://example.org/blog/spring-update',
        webVersionUrl: `${PUBLIC_URL}/releases/newer`,
        published: new Date(day(3)),
        updated: new Date(day(3)),
        author: 'Ada Lovelace',
        categories: ['policy', 'news'],
        summary: 'Short summary.',
        language: 'en',
      });
      expect(item.contentHtml).toBe(
        '<p>Read <a href="https://example.org/about">about us</a> <img src="https://example.org/blog/pic.png" alt="A picture" /></p>',
      );
      expect(feed).toMatchObject({
        title: 'Example Org',
        homePageUrl: `${PUBLIC_URL}/archive`,
        selfUrls: { rss: `${PUBLIC_URL}/feeds/all.rss`, atom: `${PUBLIC_URL}/feeds/all.atom`, json: `${PUBLIC_URL}/feeds/all.json` },
        author: 'Example Org',
        language: 'en',
        updated: new Date(day(3)),
      });
    });

    it('renders a Markdown body to the same sanitised HTML', async () => {
      await releases.create(release({ id: 'md', html: undefined, markdown: 'Hello *there* [home](/)\n\n<iframe src="https://evil.example"></iframe>' }));
      const [item] = (await buildFeed(parseFeedName('all.json'), deps)).items;
      expect(item.contentHtml).toBe('<p>Hello <em>there</em> <a href="https://example.org/">home</a></p>\n');
    });

    it('shows the body kept at publish as it is, and sanitises only a release stored before bodies were kept', async () => {
      // The kept body is the canonical one: no reader sanitises it again.
      await releases.create(release({ id: 'kept', publishedAt: day(4) }, { body: '<p>kept at publish</p>', html: undefined }));
      await releases.create(release({ id: 'legacy', publishedAt: day(3), html: '<p onclick="x()">old <script>y()</script></p>' }));
      const items = (await buildFeed(parseFeedName('all.json'), deps)).items;
      expect(items.map((i) => i.contentHtml)).toEqual(['<p>kept at publish</p>', '<p>old </p>']);
    });

    it('leaves an embargoed release out until its embargo has passed, then dates the feed by the embargo end', async () => {
      await releases.create(release({ id: 'public', publishedAt: day(20) }));
      await releases.create(release({ id: 'embargoed', publishedAt: day(25) }, { embargoUntil: '2026-11-30T09:00:00.000Z' }));
      const before = await buildFeed(parseFeedName('blog.atom'), deps);
      expect(before.items.map((i) => i.id)).toEqual([`${PUBLIC_URL}/releases/public`]);
      expect(before.updated).toEqual(new Date(day(20)));

      clock.current = new Date('2026-11-30T09:00:00.000Z');
      const after = await buildFeed(parseFeedName('blog.atom'), deps);
      expect(after.items.map((i) => i.id)).toEqual([`${PUBLIC_URL}/releases/embargoed`, `${PUBLIC_URL}/releases/public`]);
      // The item keeps its publication date; the feed changed when the embargo ended.
      expect(after.items[0].published).toEqual(new Date(day(25)));
      expect(after.updated).toEqual(new Date('2026-11-30T09:00:00.000Z'));
    });

    it('keeps a release whose email send was cancelled, and leaves digests out', async () => {
      await releases.create(release({ id: 'cancelled', publishedAt: day(2) }, { sendStatus: SendStatus.Cancelled }));
      await releases.create(release({ id: 'digest', publishedAt: day(3) }, { kind: 'digest' }));
      const feed = await buildFeed(parseFeedName('all.rss'), deps);
      expect(feed.items.map((i) => i.id)).toEqual([`${PUBLIC_URL}/releases/cancelled`]);
    });

    it("a list's feed holds only that list's releases; the all feed leaves out releases sent only to private lists", async () => {
      await releases.create(release({ id: 'blog-only', publishedAt: day(1), lists: ['blog'] }));
      await releases.create(release({ id: 'press-only', publishedAt: day(2), lists: ['press-releases'] }));
      await releases.create(release({ id: 'partners-only', publishedAt: day(3), lists: ['partners'] }));
      await releases.create(release({ id: 'partners-and-blog', publishedAt: day(4), lists: ['partners', 'blog'] }));
      const ids = async (name: string) => (await buildFeed(parseFeedName(name), deps)).items.map((i) => i.id.split('/').pop());
      expect(await ids('blog.rss')).toEqual(['partners-and-blog', 'blog-only']);
      expect(await ids('press-releases.rss')).toEqual(['press-only']);
      expect(await ids('all.rss')).toEqual(['partners-and-blog', 'press-only', 'blog-only']);
      const press = await buildFeed(parseFeedName('press-releases.json'), deps);
      expect(press).toMatchObject({ title: 'Example Org: Press Releases', description: 'Statements for the press' });
    });

    it('answers NotFoundError for an unknown or private list', async () => {
      await expect(buildFeed(parseFeedName('nope.rss'), deps)).rejects.toThrow(NotFoundError);
      await expect(buildFeed(parseFeedName('partners.rss'), deps)).rejects.toThrow(NotFoundError);
    });

    it(`carries at most the newest ${FEED_MAX_ITEMS} releases, finding a list's releases among many others`, async () => {
      for (let i = 0; i < FEED_MAX_ITEMS + 10; i++) {
        const publishedAt = new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString();
        await releases.create(release({ id: `r${i}`, publishedAt, lists: i % 3 === 0 ? ['press-releases'] : ['blog'] }));
      }
      const all = await buildFeed(parseFeedName('all.rss'), deps);
      expect(all.items).toHaveLength(FEED_MAX_ITEMS);
      expect(all.items[0].id).toBe(`${PUBLIC_URL}/releases/r${FEED_MAX_ITEMS + 9}`);
      expect(all.items.at(-1)!.id).toBe(`${PUBLIC_URL}/releases/r10`);
      const press = await buildFeed(parseFeedName('press-releases.rss'), deps);
      expect(press.items).toHaveLength(20);
      expect(press.items.every((i) => Number(i.id.split('/r').pop()) % 3 === 0)).toBe(true);
    });

    it('stops adding items once their HTML would pass the byte budget, but always carries the newest', async () => {
      // Bigger than the webhook accepts, as a release stored by another path could be.
      const big = `<p>${'x'.repeat(Math.ceil(FEED_CONTENT_BUDGET_BYTES / 2.5))}</p>`;
      for (let i = 1; i <= 4; i++) await releases.create(release({ id: `big${i}`, publishedAt: day(i) }, { html: big }));
      expect((await buildFeed(parseFeedName('all.rss'), deps)).items.map((i) => i.id.split('/').pop())).toEqual(['big4', 'big3']);
      const huge = `<p>${'x'.repeat(FEED_CONTENT_BUDGET_BYTES)}</p>`;
      await releases.create(release({ id: 'huge', publishedAt: day(5) }, { html: huge }));
      expect((await buildFeed(parseFeedName('all.rss'), deps)).items.map((i) => i.id.split('/').pop())).toEqual(['huge']);
    });

    it('dates an empty feed at the epoch, or at its list’s last change', async () => {
      expect((await buildFeed(parseFeedName('press-releases.rss'), deps)).updated).toEqual(new Date('2026-01-01T00:00:00.000Z'));
      const noLists = { ...deps, lists: new MemoryListStore([]) };
      expect((await buildFeed(parseFeedName('all.rss'), noLists)).updated).toEqual(new Date(0));
    });
  });

  describe('archivePage', () => {
    it(`pages through releases newest first, ${ARCHIVE_PAGE_SIZE} at a time, with a cursor`, async () => {
      for (let i = 1; i <= ARCHIVE_PAGE_SIZE + 5; i++) {
        await releases.create(release({ id: `a${String(i).padStart(2, '0')}`, publishedAt: new Date(Date.UTC(2026, 5, 1, i)).toISOString() }));
      }
      await releases.create(release({ id: 'private', publishedAt: new Date(Date.UTC(2026, 5, 1, 12, 30)).toISOString(), lists: ['partners'] }));
      const first = await archivePage({}, deps);
      expect(first.releases).toHaveLength(ARCHIVE_PAGE_SIZE);
      expect(first.releases[0].id).toBe('a30');
      expect(first.releases.map((r) => r.id)).not.toContain('private');
      expect(first.next).toBe(releaseCursor(first.releases.at(-1)!));
      expect(first.lists.map((l) => l.id)).toEqual(['blog', 'press-releases']);

      const second = await archivePage({ before: first.next }, deps);
      expect(second.releases.map((r) => r.id)).toEqual(['a05', 'a04', 'a03', 'a02', 'a01']);
      expect(second.next).toBeUndefined();
    });

    it('refuses a cursor it did not make with ValidationError', async () => {
      const forged = Buffer.from('yesterday#a01').toString('base64url');
      for (const before of ['', 'not a cursor', forged, 'Zm9v', releaseCursor({ publishedAt: '2026-13-45T00:00:00.000Z', id: 'x' })]) {
        await expect(archivePage({ before }, deps), before).rejects.toThrow(ValidationError);
      }
      expect(cursorPosition(releaseCursor({ publishedAt: day(1), id: 'a.b_c-d' }))).toBe(`${day(1)}#a.b_c-d`);
    });
  });

  describe('web version', () => {
    const renderer = { render: async (r: Release) => ({ subject: r.title, html: `<p>${r.title}</p><a href="${RecipientPlaceholder.UnsubscribeUrl}">x</a>`, text: r.title }) };

    it('is not found while the release is under embargo, and shown once the embargo ends', async () => {
      await releases.create(release({ id: 'later' }, { embargoUntil: '2026-11-30T00:00:00.000Z' }));
      const versionDeps = { releases, renderer, clock, publicUrl: PUBLIC_URL, lists: { get: async () => undefined } };
      await expect(webVersion('later', versionDeps)).rejects.toThrow(NotFoundError);
      clock.current = new Date('2026-11-30T00:00:00.000Z');
      expect(await webVersion('later', versionDeps)).toMatchObject({ kind: 'page', release: { id: 'later' }, summary: expect.any(String) });
    });

    it('is a page with the summary and first image for a release, and the email without recipient links for a digest', async () => {
      await releases.create(release({ id: 'pictured', html: '<p>It is here. More.</p><img src="https://img.example.org/a.jpg?w=1&amp;h=2" alt="">' }));
      const deps = { releases, renderer, clock, publicUrl: PUBLIC_URL, lists: { get: async () => undefined } };
      expect(await webVersion('pictured', deps)).toMatchObject({ kind: 'page', summary: 'It is here.', imageUrl: 'https://img.example.org/a.jpg?w=1&h=2' });
      await releases.create(release({ id: 'weekly' }, { kind: ReleaseKind.Digest }));
      expect(await webVersion('weekly', deps)).toEqual({ kind: 'email', html: `<p>Spring update</p><a href="${PUBLIC_URL}/subscribe">x</a>` });
    });
  });
});

describe('feed writer', () => {
  const feed = {
    title: 'Example & Co',
    description: 'Releases from Example & Co',
    homePageUrl: `${PUBLIC_URL}/archive`,
    selfUrls: { rss: `${PUBLIC_URL}/feeds/all.rss`, atom: `${PUBLIC_URL}/feeds/all.atom`, json: `${PUBLIC_URL}/feeds/all.json` },
    author: 'Example & Co',
    language: 'en',
    updated: new Date('2026-11-03T09:00:00.000Z'),
    items: [
      {
        id: `${PUBLIC_URL}/releases/hostile`,
        title: 'Fish & <b>chips</b> ]]> done',
        url: 'https://example.org/fish?a=1&b=2',
        webVersionUrl: `${PUBLIC_URL}/releases/hostile`,
        published: new Date('2026-11-03T09:00:00.000Z'),
        updated: new Date('2026-11-03T09:00:00.000Z'),
        author: 'Ada <Lovelace> & Co',
        categories: ['a<b', 'R&D', 'say "hi"'],
        contentHtml: '<p>Body with ]]&gt; and <a href="https://example.org/?x=1&amp;y=2">a link</a></p>',
        summary: 'Fish & <chips>',
        language: 'en',
      },
    ],
  };

  it('writes well-formed RSS whose text survives hostile titles, authors and tags', () => {
    const xml = writeFeed(feed, 'rss');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(attributesWellFormed(xml)).toBe(true);
    const parsed = parseFeed(xml);
    const [item] = parsed.items;
    expect(parsed.meta.type).toBe('rss');
    expect(parsed.self).toBe(feed.selfUrls.rss);
    expect(item.title).toBe('Fish & <b>chips</b> ]]> done');
    expect(item.url).toBe('https://example.org/fish?a=1&b=2');
    expect(item.id).toBe(`${PUBLIC_URL}/releases/hostile`);
    // The parser hands back the HTML with its entities decoded.
    expect(item.content).toBe('<p>Body with ]]> and <a href="https://example.org/?x=1&y=2">a link</a></p>');
    expect(item.authors.map((a) => a.name)).toEqual(['Ada <Lovelace> & Co']);
    expect(item.categories.map((c) => c.term)).toEqual(['a<b', 'R&D', 'say "hi"']);
    expect(xml).not.toContain('<author>');
  });

  it('writes well-formed Atom, escaping text declared as HTML and leaving out tags it cannot put in an attribute', () => {
    const xml = writeFeed(feed, 'atom');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(attributesWellFormed(xml)).toBe(true);
    const parsed = parseFeed(xml);
    const [item] = parsed.items;
    expect(parsed.meta.type).toBe('atom');
    expect(parsed.self).toBe(feed.selfUrls.atom);
    expect(parsed.updated).toEqual(feed.updated);
    expect(item.title).toBe('Fish & <b>chips</b> ]]> done');
    expect(item.published).toEqual(feed.items[0].published);
    expect(item.updated).toEqual(feed.items[0].updated);
    expect(item.authors.map((a) => a.name)).toEqual(['Ada <Lovelace> & Co']);
    expect(item.categories.map((c) => c.term)).toEqual(['R&D', 'say "hi"']);
    expect(xml).toContain('<title type="html"><![CDATA[Fish &amp; &lt;b&gt;chips&lt;/b&gt; ]]&gt; done]]></title>');
    // The body's own `]]>` is split across two CDATA sections rather than ending the first early.
    expect(writeFeed({ ...feed, items: [{ ...feed.items[0], contentHtml: '<p>a ]]> b</p>' }] }, 'atom')).toContain(
      '<content type="html"><![CDATA[<p>a ]]]]><![CDATA[> b</p>]]></content>',
    );
  });

  it('writes JSON Feed 1.1 with plain-text titles and the HTML body', () => {
    const json = JSON.parse(writeFeed(feed, 'json'));
    expect(json).toMatchObject({ version: 'https://jsonfeed.org/version/1.1', feed_url: feed.selfUrls.json, authors: [{ name: 'Example & Co' }] });
    expect(json.items[0]).toEqual({
      id: `${PUBLIC_URL}/releases/hostile`,
      url: 'https://example.org/fish?a=1&b=2',
      title: 'Fish & <b>chips</b> ]]> done',
      content_html: feed.items[0].contentHtml,
      summary: 'Fish & <chips>',
      date_published: '2026-11-03T09:00:00.000Z',
      date_modified: '2026-11-03T09:00:00.000Z',
      authors: [{ name: 'Ada <Lovelace> & Co' }],
      tags: ['a<b', 'R&D', 'say "hi"'],
      language: 'en',
    });
  });

  it('gives the same body and ETag every time, and a new ETag when anything changes', () => {
    const a = feedResponse(feed, 'atom', {});
    const b = feedResponse(structuredClone(feed), 'atom', {});
    expect(b.body).toBe(a.body);
    expect(a.headers.etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(b.headers.etag).toBe(a.headers.etag);
    expect(feedResponse({ ...feed, title: 'Other' }, 'atom', {}).headers.etag).not.toBe(a.headers.etag);
    expect(feedResponse(feed, 'rss', {}).headers.etag).not.toBe(a.headers.etag);
    expect(a.headers).toMatchObject({
      'content-type': 'application/atom+xml; charset=utf-8',
      'last-modified': 'Tue, 03 Nov 2026 09:00:00 GMT',
      'cache-control': 'public, max-age=300',
    });
    expect(feedResponse(feed, 'rss', {}).headers['content-type']).toBe('application/rss+xml; charset=utf-8');
    expect(feedResponse(feed, 'json', {}).headers['content-type']).toBe('application/feed+json; charset=utf-8');
  });

  it('answers 304 with no body to a matching If-None-Match, keeping the validators', () => {
    const { headers } = feedResponse(feed, 'rss', {});
    const again = feedResponse(feed, 'rss', { ifNoneMatch: headers.etag });
    expect(again).toEqual({ statusCode: 304, headers, body: '' });
  });

  describe('notModified (RFC 9110)', () => {
    const etag = '"abc"';
    const lastModified = new Date('2026-11-03T09:00:00.500Z');
    it.each([
      [{ ifNoneMatch: '"abc"' }, true],
      [{ ifNoneMatch: 'W/"abc"' }, true],
      [{ ifNoneMatch: '"x", "abc"' }, true],
      [{ ifNoneMatch: '*' }, true],
      [{ ifNoneMatch: '"abd"' }, false],
      // If-None-Match decides when present, even if the date alone would say "not modified".
      [{ ifNoneMatch: '"abd"', ifModifiedSince: 'Wed, 04 Nov 2026 00:00:00 GMT' }, false],
      [{ ifModifiedSince: 'Tue, 03 Nov 2026 09:00:00 GMT' }, true],
      [{ ifModifiedSince: 'Wed, 04 Nov 2026 00:00:00 GMT' }, true],
      [{ ifModifiedSince: 'Tue, 03 Nov 2026 08:59:59 GMT' }, false],
      [{ ifModifiedSince: 'not a date' }, false],
      [{}, false],
    ])('%j → %s', (request, expected) => {
      expect(notModified(etag, lastModified, request)).toBe(expected);
    });
  });
});

describe('the archive page date', () => {
  it('writes a long English date in UTC, as Intl does', () => {
    const intl = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' });
    for (const iso of ['2026-01-01T00:00:00.000Z', '2026-12-07T23:59:59.000Z', '2024-02-29T12:00:00+05:00', '1999-09-09T09:09:09Z']) {
      expect(longDate(iso)).toBe(intl.format(new Date(iso)));
    }
  });
});

describe('feeds of releases stored with characters XML forbids', () => {
  // Releases stored before input refused them may hold any of these; the feed must stay well formed.
  const hostile = 'a\u0000b\u0001c\u0008d\u000be\u000cf\u001fg\uFFFEh\uFFFFi\uD800j\uDFFFk\ttab\nlf 🎉';
  const model = {
    title: `Feed ${hostile}`,
    description: `About ${hostile}`,
    homePageUrl: 'https://news.example.org/archive',
    selfUrls: { rss: 'https://news.example.org/feeds/all.rss', atom: 'https://news.example.org/feeds/all.atom', json: 'https://news.example.org/feeds/all.json' },
    author: `Org ${hostile}`,
    updated: new Date('2026-11-03T09:00:00Z'),
    items: [
      {
        id: 'https://news.example.org/releases/x',
        title: `Title ${hostile}`,
        url: `https://example.org/x\u0001`,
        webVersionUrl: 'https://news.example.org/releases/x',
        published: new Date('2026-11-03T09:00:00Z'),
        updated: new Date('2026-11-03T09:00:00Z'),
        author: `Ada ${hostile}`,
        categories: [`tag ${hostile}`],
        contentHtml: `<p>${hostile}</p>`,
        summary: `Summary ${hostile}`,
        language: 'en',
      },
    ],
  };

  it.each(['rss', 'atom'] as const)('writes well-formed %s, keeping the characters XML allows', (format) => {
    const xml = writeFeed(model, format);
    expect(strictXmlError(xml)).toBeUndefined();
    expect(xml).toContain('abcdefghijk\ttab\nlf 🎉');
  });
});

