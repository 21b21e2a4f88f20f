import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeFeedText } from '../../functions/adapters/feeds/decode-feed-text';
import { parseFeed } from '../../functions/adapters/feeds/parse-feed';
import { NotAFeedError } from '../../functions/domain/source/errors';

// Real feeds from other projects' suites (see each folder's NOTICE), and one WordPress-shaped feed.
const fixture = (path: string) => new Uint8Array(readFileSync(join(__dirname, '../fixtures/feeds', path)));

function refusal(run: () => unknown): NotAFeedError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NotAFeedError);
    return error as NotAFeedError;
  }
  return expect.fail('expected a NotAFeedError');
}

describe('parseFeed: RSS 2.0', () => {
  it('reads a WordPress feed: guid as key, categories and tags, the full post, the author, the excerpt', () => {
    const feed = parseFeed(fixture('wordpress/feed-rss2.xml'), 'application/rss+xml; charset=UTF-8', 'https://example.org/feed/');
    expect(feed).toMatchObject({ title: 'Example Org', link: 'https://example.org/', language: 'en-US' });
    expect(feed.skipped).toBeUndefined();
    expect(feed.items.map((item) => item.key)).toEqual(['https://example.org/?p=123', 'https://example.org/?p=118']);
    const [release] = feed.items;
    expect(release).toMatchObject({
      title: 'ICE Retaliation and Intimidation: Are We Seeing the Rise of a Political Police Force?',
      link: 'https://example.org/blog/ice-retaliation-and-intimidation',
      author: 'America\'s Voice',
      categories: ['Blog', 'Press Releases', 'ICE', 'Travis County'],
      publishedAt: '2026-03-03T15:30:00.000Z',
    });
    expect(release.contentHtml).toMatch(/^<p>New stories in CNN and The Daily Beast /);
    expect(release.contentHtml).toContain('<blockquote><p>Immigration and Customs Enforcement has been targeting');
    // WordPress's excerpt ends with its numeric ellipsis entity, decoded.
    expect(release.summary).toMatch(/^New stories in CNN .* \[…\]$/);
    expect(release.updatedAt).toBeUndefined();
  });

  it('reads a Medium feed’s content:encoded and categories', () => {
    const feed = parseFeed(fixture('rss-parser/content-encoded.rss'), 'text/xml', 'https://medium.com/feed/invironment/tagged/food');
    expect(feed.items[0]).toMatchObject({
      key: 'https://medium.com/p/125af37d838f',
      title: 'THE CREATIVE FORAGER',
      categories: ['plants', 'environment', 'nature', 'foraging', 'food'],
      author: 'Jeremy Puma',
      publishedAt: '2018-04-09T18:55:38.000Z',
    });
    expect(feed.items[0].contentHtml).toMatch(/^<h4>Using Wild Ingredients in the\u00a0Kitchen<\/h4><figure><img/);
  });

  it('keys by guid, not by link, when both are given', () => {
    const feed = parseFeed(fixture('feedparser/wellformed/rss_item_guid_conflict_link.xml'), 'application/rss+xml', 'https://feeds.example/rss');
    expect(feed.items).toEqual([{ key: 'http://guid.example.com/', link: 'http://link.example.com/', categories: [] }]);
  });

  it('skips an RSS item with neither guid nor link', () => {
    const rss = parseFeed(fixture('feedparser/wellformed/rss_item_category_multiple.xml'), 'text/xml', 'https://feeds.example/rss');
    // No guid and no link: nothing can key the item.
    expect(rss.items).toEqual([]);
    expect(rss.skipped).toEqual([{ reason: 'no guid and no link to tell it apart' }]);
  });

  it('resolves relative item links against the feed’s link, itself resolved against the feed URL', () => {
    const feed = parseFeed(fixture('node-feedparser/rss-with-relative-urls.xml'), 'application/rss+xml', 'https://www.arcgames.com/en/games/neverwinter/news/rss');
    expect(feed.link).toBe('https://www.arcgames.com/en/games/neverwinter/news');
    expect(feed.items[0]).toMatchObject({
      key: 'http://www.arcgames.com/en/games/PAB_nw/news/detail/10743874',
      link: 'https://www.arcgames.com/en/games/neverwinter/news/detail/10743874-neverwinter-%26-jingle-jam-humble-bundle%21',
    });
  });

  it('resolves an item link against its xml:base, and falls back to the link as key', () => {
    const feed = parseFeed(fixture('node-feedparser/rss-with-item-scoped-html-base.xml'), 'application/rss+xml', 'https://example.com/feed');
    expect(feed.items.map(({ key, link }) => ({ key, link }))).toEqual([
      { key: 'https://example.com/first/first', link: 'https://example.com/first/first' },
      { key: 'https://example.com/second', link: 'https://example.com/second' },
    ]);
  });

  it('resolves a relative link against the document’s own URL when nothing else is given', () => {
    const rss = parseFeed(fixture('feedparser/wellformed/base_http_item_link_base_docuri.xml'), 'text/xml', 'http://127.0.0.1:8097/tests/feed.xml');
    expect(rss.items).toEqual([{ key: 'http://127.0.0.1:8097/relative/uri', link: 'http://127.0.0.1:8097/relative/uri', categories: [] }]);
    const atom = parseFeed(fixture('feedparser/wellformed/base_http_entry_link_base_docuri.xml'), 'text/xml', 'http://127.0.0.1:8097/tests/feed.xml');
    expect(atom.items[0].link).toBe('http://127.0.0.1:8097/relative/link');
  });

  it('keeps the first of two entries with the same guid and lists the second as skipped', () => {
    const feed = parseFeed(fixture('rss-parser/itunes-missing-image.rss'), 'application/rss+xml', 'http://www.taverncast.com/feed');
    const key = 'http://taverncast.com/shows/geekistry-2.mp3';
    expect(feed.items.filter((item) => item.key === key)).toHaveLength(1);
    expect(feed.skipped).toEqual([{ title: 'Geekistry:  Lowatus of Borg (extended version)', reason: 'same guid as an earlier entry' }]);
    expect(new Set(feed.items.map((item) => item.key)).size).toBe(feed.items.length);
  });

  it('takes the first guid of an item that has two', () => {
    const feed = parseFeed(fixture('node-feedparser/guid-dupes.xml'), 'application/rss+xml', 'http://feeds.braingle.com/braingle/newteasers');
    expect(feed.items.map((item) => item.key)).toEqual(['http://www.braingle.com/50366.html']);
  });

  it('decodes a windows-1251 feed and keeps enclosure images absolute', () => {
    const feed = parseFeed(fixture('node-feedparser/iconv.xml'), 'text/xml', 'http://www.oren.ru/rss/');
    expect(feed.title).toBe('Новости Оренбурга и области / Раздел Новости');
    expect(feed.items[0]).toMatchObject({
      key: 'http://www.oren.ru/news/2743422/',
      title: 'В Бузулуке главные стройплощадки – детсад и Ледовый дворец',
      imageUrl: 'http://www.oren.ru/upload/iblock/be8/stroitelstvo_krany.jpg',
    });
  });
});

describe('parseFeed: RSS 1.0 (RDF)', () => {
  it('reads items keyed by their link, with dc:subject as category and dc:creator as author', () => {
    const feed = parseFeed(fixture('rss-parser/rss-1.rss'), 'application/rdf+xml', 'http://science.sciencemag.org/rss/twis.xml');
    expect(feed.items).toHaveLength(69);
    expect(feed.items[0]).toMatchObject({
      key: 'http://science.sciencemag.org/cgi/content/short/356/6343/1134-a?rss=1',
      title: 'Food for fungi',
      categories: ['Botany, Microbiology'],
      author: 'Hines, P. J.',
      publishedAt: '2017-06-15T17:29:47.000Z',
    });
    const rdf = parseFeed(fixture('feedparser/wellformed/rdf_rdf_item_link.xml'), 'application/rdf+xml', 'http://example.com/index.rdf');
    expect(rdf.items.map((item) => item.key)).toEqual(['http://example.com/1']);
  });
});

describe('parseFeed: Atom', () => {
  it('reads id, content, summary, author and both dates', () => {
    const feed = parseFeed(fixture('rss-parser/heise.atom'), 'application/atom+xml', 'https://www.heise.de/developer/rss/news-atom.xml');
    expect(feed.title).toBe('heise developer neueste Meldungen');
    expect(feed.items).toHaveLength(15);
    expect(feed.items[0]).toMatchObject({
      key: 'http://heise.de/-3088438',
      title: 'Java-Anwendungsserver: Red Hat gibt WildFly 10 frei',
      author: 'heise online',
      publishedAt: '2016-02-01T16:22:00.000Z',
      updatedAt: '2016-02-01T16:54:50.000Z',
    });
    expect(feed.items[0].summary).toMatch(/^Die nun verfügbare Version 10/);
    expect(feed.items[0].contentHtml).toMatch(/^<a href="http:\/\/www\.heise\.de\/developer\/meldung\//);
    // Published and updated the same instant: no correction to speak of.
    expect(feed.items[1].updatedAt).toBeUndefined();
  });

  it('names categories by their label, and lends no feed-level category to entries', () => {
    const feed = parseFeed(fixture('rss-parser/reddit-home.rss'), 'application/atom+xml', 'https://www.reddit.com/.rss');
    expect(feed.items[0]).toMatchObject({ key: 't3_42tizy', categories: ['/r/funny'], author: '/u/AngryRedditorsBelow' });
    expect(feed.items.flatMap((item) => item.categories)).not.toContain('/r/ reddit.com');
  });

  it('keeps a tag: URI as key but never as a link', () => {
    const feed = parseFeed(fixture('node-feedparser/intertwingly.atom'), 'application/atom+xml', 'http://intertwingly.net/blog/index.atom');
    expect(feed.items[0]).toMatchObject({ key: 'tag:intertwingly.net,2004:3299', link: 'http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend' });
    expect(feed.items.every((item) => item.link === undefined || /^https?:\/\//.test(item.link))).toBe(true);
  });

  it('skips an entry with neither id nor link', () => {
    const feed = parseFeed(fixture('feedparser/wellformed/atom10_entry_category_label.xml'), 'application/atom+xml', 'https://feeds.example/atom');
    expect(feed.items).toEqual([]);
    expect(feed.skipped).toEqual([{ reason: 'no id and no link to tell it apart' }]);
  });
});

describe('parseFeed: JSON Feed', () => {
  it('reads a real JSON Feed 1.0: id, url, content_html, summary, tags, the feed’s author, a date without zone as UTC', () => {
    const feed = parseFeed(fixture('feed-extractor/json-feed-standard-realworld.json'), 'application/feed+json', 'https://adactio.com/journal/feed.json');
    expect(feed).toMatchObject({ title: 'Adactio: Journal', link: 'https://adactio.com/journal/' });
    expect(feed.items).toHaveLength(10);
    expect(feed.items[0]).toMatchObject({
      key: '19317',
      title: 'The line-up for dConstruct 2022 …revealed!',
      link: 'https://adactio.com/journal/19317',
      summary: 'Eight fantastic people who are going to provoke, entertain, and stimulate you.',
      author: 'Jeremy Keith',
      publishedAt: '2022-07-26T13:01:01.000Z',
    });
    expect(feed.items[0].categories).toContain('dconstruct');
    expect(feed.items[0].contentHtml).toMatch(/^<p>Alright, I’ve kept you in suspense/);
  });

  it('resolves relative URLs against the feed’s address, and is recognised when served as plain JSON', () => {
    const feed = parseFeed(fixture('feed-extractor/json-feed-miss-base-url.json'), 'application/json', 'https://www.jsonfeed.org/feed.json');
    expect(feed.link).toBe('https://www.jsonfeed.org/');
    expect(feed.items[0]).toMatchObject({
      key: 'http://jsonfeed.micro.blog/2020/08/07/json-feed-version.html',
      link: 'https://www.jsonfeed.org/2020/08/07/json-feed-version.html',
      publishedAt: '2020-08-07T16:44:36.000Z',
    });
    // Served as text/plain, the body still says what it is.
    const sniffed = parseFeed(fixture('feed-extractor/json-feed-standard.json'), 'text/plain', 'https://www.jsonfeed.org/feed.json');
    expect(sniffed.items).toHaveLength(2);
  });

  it('maps JSON Feed 1.1 fields: authors, content_text as paragraphs, image, date_modified, language; skips a malformed item', () => {
    // The example from the JSON Feed 1.1 specification, with content_text and a broken second item.
    const body = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'My Example Feed',
      home_page_url: 'https://example.org/',
      feed_url: 'https://example.org/feed.json',
      language: 'en-GB',
      authors: [{ name: 'Feed Author' }],
      items: [
        {
          id: '2', url: '/second-item', title: 'Second', content_text: 'This is a second item.\n\nIt has <two> paragraphs.',
          image: '/images/second.png', date_published: '2026-03-01T10:00:00+01:00', date_modified: '2026-03-02T10:00:00Z',
          authors: [{ name: 'Item Author' }], tags: [' Blog ', 'Blog', 'Press Releases'],
        },
        { id: '1', title: 'Broken', tags: 'Blog' },
        { id: 2, url: 'https://example.org/again', title: 'Same id as a number' },
      ],
    });
    const feed = parseFeed(new TextEncoder().encode(body), 'application/feed+json', 'https://example.org/feed.json');
    expect(feed.language).toBe('en-GB');
    expect(feed.items).toEqual([{
      key: '2',
      title: 'Second',
      link: 'https://example.org/second-item',
      contentHtml: '<p>This is a second item.</p>\n<p>It has &lt;two&gt; paragraphs.</p>',
      categories: ['Blog', 'Press Releases'],
      author: 'Item Author',
      publishedAt: '2026-03-01T09:00:00.000Z',
      updatedAt: '2026-03-02T10:00:00.000Z',
      imageUrl: 'https://example.org/images/second.png',
    }]);
    expect(feed.skipped).toEqual([
      { title: 'Broken', reason: expect.stringMatching(/^not a JSON Feed item \(tags: /) },
      { title: 'Same id as a number', reason: 'same id as an earlier entry' },
    ]);
  });
});

describe('parseFeed: what is not a feed', () => {
  it('refuses a web page and names the feed it links to', () => {
    // A WordPress front page's head, as WordPress prints it (feed_links()).
    const page = '<!DOCTYPE html>\n<html lang="en-US"><head><meta charset="UTF-8"><title>Example Org</title>'
      + '<link rel="alternate" type="application/rss+xml" title="Example Org &raquo; Feed" href="https://example.org/feed/" />'
      + '<link rel="alternate" type="application/rss+xml" title="Example Org &raquo; Comments Feed" href="https://example.org/comments/feed/" />'
      + '</head><body><p>Hello</p></body></html>';
    const error = refusal(() => parseFeed(new TextEncoder().encode(page), 'text/html', 'https://example.org/'));
    expect(error.message).toBe('https://example.org/ is a web page, not a feed; its feed is at https://example.org/feed/');
    expect(error.feedUrl).toBe('https://example.org/feed/');
  });

  it('resolves a relative feed link on the page', () => {
    const page = '<html><head><link rel="alternate" type="application/atom+xml" href="/blog/atom.xml"></head><body></body></html>';
    const error = refusal(() => parseFeed(new TextEncoder().encode(page), 'text/html; charset=utf-8', 'https://example.org/blog/'));
    expect(error.feedUrl).toBe('https://example.org/blog/atom.xml');
  });

  it('refuses a page that names no feed, saying so', () => {
    const error = refusal(() => parseFeed(fixture('node-feedparser/notafeed.html'), 'text/html', 'https://example.org/page'));
    expect(error.message).toMatch(/^https:\/\/example\.org\/page is a web page, not a feed, and it names no feed/);
    expect(error.feedUrl).toBeUndefined();
    // An HTML error page served as a feed type is a page too.
    expect(refusal(() => parseFeed(fixture('rss-parser/unrecognized.rss'), 'application/rss+xml', 'https://example.org/rss')).message).toMatch(/is a web page/);
  });

  it.each([
    ['an empty body', '', 'application/rss+xml', /answered with an empty body/],
    ['whitespace', ' \n ', 'application/rss+xml', /answered with an empty body/],
    ['broken XML', '<rss version="2.0"><channel><title>a</title></chan', 'application/rss+xml', /its XML does not parse/],
    ['XML that is not a feed', '<?xml version="1.0"?><html-ish><x/></html-ish>', 'application/xml', /no RSS or Atom root element/],
    ['plain text', 'Service Unavailable', 'text/plain', /neither XML nor JSON/],
    ['broken JSON', '{"version": "https://jsonfeed.org/version/1.1", "items": [', 'application/feed+json', /its JSON does not parse/],
    ['a JSON object that is not a JSON Feed', '{"status": "ok", "items": []}', 'application/json', /is JSON but not a JSON Feed \(version: /],
    ['a JSON array', '[1, 2]', 'application/json', /not a JSON object/],
  ])('refuses %s', (_, body, contentType, message) => {
    expect(refusal(() => parseFeed(new TextEncoder().encode(body), contentType, 'https://feeds.example/feed')).message).toMatch(message);
  });
});

describe('decodeFeedText', () => {
  it.each([
    // [fixture, Content-Type, text the decoded feed must hold]
    ['feedparser/encoding/euc-kr.xml', 'text/xml', '<title>년</title>'],
    ['feedparser/encoding/euc-kr-item.xml', 'application/rss+xml', '<description>년</description>'],
    // The declaration says iso-8859-1; the header's windows-1252 wins (RFC 7303), so 0x93 is “.
    ['feedparser/encoding/http_text_xml_charset_overrides_encoding_2.xml', 'text/xml; charset=windows-1252', 'This is a £“test.”'],
    ['feedparser/encoding/http_text_xml_charset_2.xml', 'text/xml; charset=windows-1252', 'This is a £“test.”'],
    ['feedparser/encoding/utf-16le-bom.xml', 'text/xml', '<rss>'],
    ['feedparser/encoding/utf-16be-bom.xml', 'text/xml', '<rss>'],
    ['node-feedparser/iconv.xml', 'text/xml', 'Новости Оренбурга'],
  ])('decodes %s', (path, contentType, expected) => {
    const decoded = decodeFeedText(fixture(path), contentType);
    expect(decoded).toContain(expected);
    expect(decoded).not.toContain('\uFFFD');
  });

  it('drops a UTF-8 byte order mark and decodes UTF-8 by default', () => {
    const decoded = decodeFeedText(fixture('feedparser/encoding/utf-8-bom.xml'), 'text/xml');
    expect(decoded.startsWith('<?xml')).toBe(true);
    expect(decodeFeedText(new TextEncoder().encode('<t>Grüße</t>'), 'application/rss+xml')).toBe('<t>Grüße</t>');
  });

  it('parses a euc-kr feed’s title right', () => {
    expect(parseFeed(fixture('feedparser/encoding/euc-kr.xml'), 'text/xml', 'https://feeds.example/kr').title).toBe('년');
  });
});
