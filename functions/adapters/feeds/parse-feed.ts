import { parseFeed as parseXmlFeed } from '@rowanmanning/feed-parser';
import { parseHTML } from 'linkedom';
import type { ParsedFeed } from '../../domain/source/feed-item';
import { NotAFeedError } from '../../domain/source/errors';
import { decodeFeedText } from './decode-feed-text';
import { absoluteHttpUrl, defined, isoDate, keyEntries, text, textToHtml, uniqueNames, type FeedEntries } from './feed-entry';
import { looksLikeJsonFeed, readJsonFeed } from './json-feed';

type XmlFeedItem = ReturnType<typeof parseXmlFeed>['items'][number];

// What a page's <link rel="alternate"> names when it points at its feed.
const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/rdf+xml']);

/**
 * Reads a fetched feed: RSS 2.0 (with `content:encoded`), RSS 1.0 (RDF) and Atom through
 * @rowanmanning/feed-parser, JSON Feed 1.0 and 1.1 (served as `application/feed+json` or
 * `application/json`, or any body that says it is one).
 *
 * - The bytes are decoded in the encoding they declare (byte order mark, Content-Type charset, XML
 *   declaration; else UTF-8).
 * - Each item's `key` is its guid (RSS) or id (Atom, JSON Feed), else its link. An entry with neither,
 *   and a second entry with the key of an earlier one, is not returned but listed in `skipped`.
 * - Links and image URLs are absolute (resolved against `xml:base`, the feed's own link, then
 *   `feedUrl`); anything but http(s) is dropped. Dates are ISO 8601; an unreadable one is absent.
 *   `updatedAt` is given only when it differs from `publishedAt` (RSS has no "updated" of its own).
 * - Categories: RSS `<category>` (WordPress writes categories and tags both there), Atom `category`
 *   (its label, else its term), JSON Feed `tags`; trimmed, each once. Only the entry's own: a
 *   channel's categories are not lent to its items.
 *
 * @throws NotAFeedError for an empty body, broken XML or JSON, JSON that is not a JSON Feed, XML that
 *   is not RSS or Atom, and a web page; for a page that names its feed (`<link rel="alternate"
 *   type="application/rss+xml" href>`), the message and the error's `feedUrl` give that feed's address.
 * @example
 * const feed = parseFeed(response.bytes, response.contentType, response.finalUrl);
 * feed.items[0]; // { key: 'https://example.org/?p=123', title: '…', categories: ['Blog', 'Press Releases'], … }
 * feed.skipped;  // [{ title: 'Huh?', reason: 'same guid as an earlier entry' }]
 */
export function parseFeed(bytes: Uint8Array, contentType: string, feedUrl: string): ParsedFeed {
  const body = decodeFeedText(bytes, contentType);
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  const start = body.trimStart();
  if (!start) throw new NotAFeedError(`${feedUrl} answered with an empty body, not a feed`);
  if (start.startsWith('{') || mediaType === 'application/feed+json' || mediaType === 'application/json') {
    if (!start.startsWith('{') && !looksLikeJsonFeed(start)) throw new NotAFeedError(`${feedUrl} is not a feed: it was served as ${mediaType} but is not a JSON object`);
    return keyEntries(readJsonFeed(start, feedUrl));
  }
  if (looksLikeHtmlPage(start)) throw notAFeedButAPage(start, feedUrl);
  if (!start.startsWith('<')) throw new NotAFeedError(`${feedUrl} is not a feed: its body is neither XML nor JSON`);
  return keyEntries(readXmlFeed(start, mediaType, feedUrl));
}

function readXmlFeed(body: string, mediaType: string, feedUrl: string): FeedEntries {
  let feed: ReturnType<typeof parseXmlFeed>;
  try {
    feed = parseXmlFeed(body);
  } catch (error) {
    if (mediaType === 'text/html' || mediaType === 'application/xhtml+xml') throw notAFeedButAPage(body, feedUrl);
    const why = (error as { code?: string }).code === 'INVALID_FEED' ? 'it has no RSS or Atom root element' : `its XML does not parse (${error instanceof Error ? error.message : String(error)})`;
    throw new NotAFeedError(`${feedUrl} is not a feed: ${why}`, { cause: error });
  }
  const home = absoluteHttpUrl(feed.url, feedUrl);
  return defined({
    idName: feed.meta.type === 'atom' ? ('id' as const) : ('guid' as const),
    title: text(feed.title),
    link: home,
    language: text(feed.language),
    entries: feed.items.map((item) => {
      const id = text(item.id);
      return { ...(id ? { id } : {}), item: xmlItem(item, home, feedUrl) };
    }),
  });
}

function xmlItem(item: XmlFeedItem, home: string | undefined, feedUrl: string) {
  const publishedAt = isoDate(item.published);
  const updatedAt = isoDate(item.updated);
  // The parser lends the channel's categories to an item that has none; a channel-wide category
  // would then route every uncategorised item, so only the item's own are read.
  const ownCategories = item.element.hasElementWithName('category') || item.element.hasElementWithName('subject');
  const author = item.authors[0];
  return defined({
    title: text(item.title),
    link: absoluteHttpUrl(item.url, home, feedUrl),
    contentHtml: contentHtmlOf(item),
    summary: text(item.description),
    categories: ownCategories ? uniqueNames(item.categories.map((category) => category.label ?? category.term)) : [],
    author: text(author?.name) ?? text(author?.email),
    publishedAt,
    updatedAt: updatedAt !== publishedAt ? updatedAt : undefined,
    imageUrl: absoluteHttpUrl(item.image?.url, home, feedUrl),
  });
}

/**
 * The entry's full content as HTML. Atom's `type="text"` is plain text and is escaped; an Atom
 * content with no type is, by RFC 4287, text too, but feeds that leave it out nearly always mean
 * HTML, so only an explicit `text` is escaped.
 */
function contentHtmlOf(item: XmlFeedItem): string | undefined {
  const content = text(item.content);
  if (!content) return undefined;
  const element = item.element.findElementWithName('content');
  return element?.namespace !== 'content' && element?.getAttribute('type') === 'text' ? textToHtml(content) : content;
}

function looksLikeHtmlPage(body: string): boolean {
  return /^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype\s+html|<html[\s>]|<head[\s>])/i.test(body.slice(0, 4096));
}

/** The little of linkedom's DOM read here. */
interface PageLink {
  getAttribute(name: string): string | null;
}

/**
 * A NotAFeedError for a web page, naming the feed the page points to: `<link rel="alternate">` with a
 * feed type, the first in the page (WordPress lists the posts feed before the comments feed).
 */
function notAFeedButAPage(html: string, feedUrl: string): NotAFeedError {
  const { document } = parseHTML(html) as unknown as { document: { querySelectorAll(selector: string): Iterable<PageLink> } };
  const base = absoluteHttpUrl([...document.querySelectorAll('base[href]')][0]?.getAttribute('href'), feedUrl) ?? feedUrl;
  const link = [...document.querySelectorAll('link[href]')].find((element) => {
    const rel = (element.getAttribute('rel') ?? '').toLowerCase().split(/\s+/);
    const type = (element.getAttribute('type') ?? '').split(';')[0].trim().toLowerCase();
    return rel.includes('alternate') && FEED_TYPES.has(type);
  });
  const found = absoluteHttpUrl(link?.getAttribute('href'), base);
  if (found) return new NotAFeedError(`${feedUrl} is a web page, not a feed; its feed is at ${found}`, { feedUrl: found });
  return new NotAFeedError(`${feedUrl} is a web page, not a feed, and it names no feed (no <link rel="alternate"> to RSS, Atom or JSON Feed)`);
}
