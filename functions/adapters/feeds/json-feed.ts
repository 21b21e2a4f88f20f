import { z } from 'zod';
import { NotAFeedError } from '../../domain/source/errors';
import { absoluteHttpUrl, defined, text, textToHtml, uniqueNames, type FeedEntries, type FeedEntry } from './feed-entry';

// Loose on purpose: real feeds add fields (`_extensions`, `favicon`…) and the spec says readers
// ignore what they do not know. Only the fields read here are checked.
const author = z.looseObject({ name: z.string().optional(), url: z.string().optional() });
// JSON Feed 1.0 allowed numbers as ids in practice (its spec said string, publishers wrote `"id": 1`).
const id = z.union([z.string(), z.number()]).transform(String);

const jsonFeedItem = z.looseObject({
  id: id.optional(),
  url: z.string().optional(),
  title: z.string().optional(),
  content_html: z.string().optional(),
  content_text: z.string().optional(),
  summary: z.string().optional(),
  image: z.string().optional(),
  banner_image: z.string().optional(),
  date_published: z.string().optional(),
  date_modified: z.string().optional(),
  tags: z.array(z.string()).optional(),
  author: author.optional(),
  authors: z.array(author).optional(),
});

const jsonFeed = z.looseObject({
  version: z.string().regex(/^https?:\/\/jsonfeed\.org\/version\/1(\.\d+)?\/?$/, 'not a JSON Feed version 1 or 1.x'),
  title: z.string().optional(),
  home_page_url: z.string().optional(),
  language: z.string().optional(),
  author: author.optional(),
  authors: z.array(author).optional(),
  // Each item is checked on its own: one malformed entry is skipped, not the whole feed.
  items: z.array(z.unknown()),
});

/** A zod error in one line: `version: Invalid input…; items: …`. */
function issuesOf(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'the whole'}: ${issue.message}`).join('; ');
}

/** Whether `body` is JSON that says it is a JSON Feed, whatever it was served as. */
export function looksLikeJsonFeed(body: string): boolean {
  return /^\s*\{[\s\S]*"version"\s*:\s*"https?:\/\/jsonfeed\.org\/version\/1/.test(body.slice(0, 4096));
}

/**
 * A JSON Feed date: RFC 3339 says it carries a zone; one written without (`2022-07-26 13:01:01`, as
 * real feeds do) is read as UTC, not as the server's local time.
 */
function jsonFeedDate(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const zoneless = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed);
  const date = new Date(zoneless ? `${trimmed.replace(' ', 'T')}Z` : trimmed);
  return Number.isNaN(date.valueOf()) ? undefined : date.toISOString();
}

/**
 * Reads a JSON Feed 1.0 or 1.1 (https://www.jsonfeed.org/version/1.1/). Relative URLs resolve
 * against the feed's own address.
 *
 * @throws NotAFeedError when the body is not JSON, or is JSON but not a JSON Feed.
 */
export function readJsonFeed(body: string, feedUrl: string): FeedEntries {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new NotAFeedError(`${feedUrl} is not a feed: its JSON does not parse (${error instanceof Error ? error.message : String(error)})`, { cause: error });
  }
  const feed = jsonFeed.safeParse(json);
  if (!feed.success) {
    throw new NotAFeedError(`${feedUrl} is JSON but not a JSON Feed (${issuesOf(feed.error)})`, { cause: feed.error });
  }
  const home = absoluteHttpUrl(feed.data.home_page_url, feedUrl);
  const feedAuthor = feed.data.authors?.[0]?.name ?? feed.data.author?.name;
  const entries = feed.data.items.map((raw): FeedEntry => {
    const parsed = jsonFeedItem.safeParse(raw);
    if (!parsed.success) {
      const title = typeof (raw as { title?: unknown } | null)?.title === 'string' ? text((raw as { title: string }).title) : undefined;
      const reason = `not a JSON Feed item (${issuesOf(parsed.error)})`;
      return { item: defined({ title, categories: [] }), unreadable: reason };
    }
    const item = parsed.data;
    const contentHtml = text(item.content_html) ?? (text(item.content_text) ? textToHtml(item.content_text!) : undefined);
    return {
      ...(text(item.id) ? { id: text(item.id) } : {}),
      item: defined({
        title: text(item.title),
        link: absoluteHttpUrl(item.url, feedUrl),
        contentHtml,
        summary: text(item.summary),
        categories: uniqueNames(item.tags ?? []),
        author: text(item.authors?.[0]?.name ?? item.author?.name ?? feedAuthor),
        publishedAt: jsonFeedDate(item.date_published),
        updatedAt: jsonFeedDate(item.date_modified),
        imageUrl: absoluteHttpUrl(item.image, feedUrl) ?? absoluteHttpUrl(item.banner_image, feedUrl),
      }),
    };
  });
  return defined({
    idName: 'id' as const,
    title: text(feed.data.title),
    link: home,
    language: text(feed.data.language),
    entries,
  });
}
