/**
 * Turns a feed model into RSS 2.0, Atom 1.0 or JSON Feed 1.1, and answers conditional requests for it.
 * RSS and Atom are written by the `feed` package (it handles XML escaping and CDATA splitting);
 * JSON Feed is written here, because `feed` 6 only writes version 1.0 of it.
 */
import { createHash } from 'node:crypto';
import { Feed, type Item } from 'feed';
import type { FeedFormat, FeedModel } from '../../domain/feeds/feeds';
import { escapeHtml } from './pages';
import { withoutForbiddenXmlCharacters } from '../../domain/xml-characters';

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/**
 * The feed's text in one format. Deterministic (no "now" in it) so that its hash is a stable ETag.
 *
 * @example
 * const xml = writeFeed(await buildFeed(parseFeedName('all.atom'), deps), 'atom');
 */
export function writeFeed(feed: FeedModel, format: FeedFormat): string {
  return format === 'json' ? jsonFeed(feed) : xmlFeed(feed, format);
}

function xmlFeed(stored: FeedModel, format: 'rss' | 'atom'): string {
  const atom = format === 'atom';
  // Input refuses characters XML 1.0 cannot carry, but releases stored before it did may hold them,
  // and one would make the whole document malformed for every reader: they are left out here.
  const feed = xmlSafe(stored);
  const out = new Feed({
    id: feed.selfUrls.atom,
    title: feed.title,
    description: feed.description,
    link: feed.homePageUrl,
    language: feed.language,
    updated: feed.updated,
    generator: 'Pressroom',
    feedLinks: { rss: feed.selfUrls.rss, atom: feed.selfUrls.atom },
    author: { name: feed.author },
  });
  for (const item of feed.items) {
    const entry: Item = {
      id: item.id,
      // Atom titles and summaries are declared `type="html"`: plain text must be escaped to stay text.
      // RSS readers take them as text inside the CDATA `feed` writes.
      title: atom ? escapeHtml(item.title) : item.title,
      link: item.url,
      date: item.updated,
      published: item.published,
      description: item.summary === undefined ? undefined : escapeHtml(item.summary),
      content: item.contentHtml,
      // `feed` escapes only `&` in attribute values, and Atom categories are attributes: a tag
      // containing `<` would make the whole Atom document malformed, so Atom leaves such a tag out.
      category: item.categories.filter((c) => !atom || !c.includes('<')).map((name) => ({ name, term: name })),
    };
    // RSS 2.0's <author> must be an e-mail address; a name goes in Dublin Core's <dc:creator>.
    if (item.author && atom) entry.author = [{ name: item.author }];
    if (item.author && !atom) entry.extensions = [{ name: 'dc:creator', objects: { _text: item.author } }];
    out.addItem(entry);
  }
  return atom ? out.atom1() : out.rss2();
}

/** Every string in `value` without the characters XML 1.0 forbids; dates and other values as they are. */
function xmlSafe<T>(value: T): T {
  if (typeof value === 'string') return withoutForbiddenXmlCharacters(value) as T;
  if (Array.isArray(value)) return value.map(xmlSafe) as T;
  if (value && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, xmlSafe(item)])) as T;
  }
  return value;
}

/** JSON Feed 1.1 (https://www.jsonfeed.org/version/1.1/). */
function jsonFeed(feed: FeedModel): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: feed.title,
    home_page_url: feed.homePageUrl,
    feed_url: feed.selfUrls.json,
    description: feed.description,
    ...(feed.language ? { language: feed.language } : {}),
    authors: [{ name: feed.author }],
    items: feed.items.map((item) => ({
      id: item.id,
      url: item.url,
      title: item.title,
      content_html: item.contentHtml,
      ...(item.summary ? { summary: item.summary } : {}),
      date_published: item.published.toISOString(),
      date_modified: item.updated.toISOString(),
      ...(item.author ? { authors: [{ name: item.author }] } : {}),
      ...(item.categories.length ? { tags: item.categories } : {}),
      language: item.language,
    })),
  });
}

/** A strong validator: the body is byte-for-byte the same whenever the tag is. */
export function entityTag(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

export interface ConditionalHeaders {
  ifNoneMatch?: string;
  ifModifiedSince?: string;
}

/**
 * RFC 9110 §13.1.2–13.1.3 for GET: `If-None-Match` (weak comparison, `*` matches) decides when
 * present, and `If-Modified-Since` is then ignored; otherwise a representation not modified since
 * that date (HTTP dates have whole seconds) is not sent again.
 */
export function notModified(etag: string, lastModified: Date, request: ConditionalHeaders): boolean {
  if (request.ifNoneMatch !== undefined) {
    const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
    return request.ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
  }
  if (request.ifModifiedSince === undefined) return false;
  const since = Date.parse(request.ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * The HTTP answer for a feed: 200 with the body, or 304 with the same validators and no body.
 *
 * @example
 * return feedResponse(feed, 'rss', { ifNoneMatch: header(event, 'if-none-match') });
 */
export function feedResponse(
  feed: FeedModel,
  format: FeedFormat,
  request: ConditionalHeaders,
): { statusCode: 200 | 304; headers: Record<string, string>; body: string } {
  const body = writeFeed(feed, format);
  const etag = entityTag(body);
  const headers = {
    'content-type': FEED_CONTENT_TYPES[format],
    etag,
    'last-modified': feed.updated.toUTCString(),
    // The same for everyone; five minutes is also the most an embargo's end can be late in a cache.
    'cache-control': 'public, max-age=300',
    'x-content-type-options': 'nosniff',
    // Opened in a browser, a feed is data: nothing in it may run or load.
    'content-security-policy': "default-src 'none'; sandbox",
  };
  return notModified(etag, feed.updated, request) ? { statusCode: 304, headers, body: '' } : { statusCode: 200, headers, body };
}
