import { createHash } from 'node:crypto';
import { convert } from 'html-to-text';
import type { ExtractedArticle, FeedItem } from './feed-item';
import { DEFAULT_CATEGORY, type Source } from './source';

/**
 * What became of a post a source knows:
 * - `seen`: it was already in the feed when the source was connected; nothing is sent (staff may publish it);
 * - `published`: it is a release (sent, or corrected since);
 * - `held`: it waits as a draft (hold mode) until staff publish it;
 * - `skipped`: none of its categories maps to a list (the reason says which it had);
 * - `failed`: it could not be published as it is (the reason says why); a changed post is tried again.
 */
export const ItemState = { Seen: 'seen', Published: 'published', Held: 'held', Skipped: 'skipped', Failed: 'failed' } as const;
export type ItemState = (typeof ItemState)[keyof typeof ItemState];

export interface SourceItem {
  sourceId: string;
  /** The release this post is (or would be): derived from the source and the post's key, never reused. */
  releaseId: string;
  /** The post's guid, id or link (feed-item.ts `key`). */
  key: string;
  title?: string;
  link?: string;
  state: ItemState;
  /** Why it was skipped or failed. */
  reason?: string;
  /** The post's content as last seen ({@link fingerprintOf}): a change is a correction. */
  fingerprint: string;
  /** The lists its release went to (a correction keeps them). */
  lists?: string[];
  firstSeenAt: string;
  lastChangedAt: string;
  /** The release's revision after the last correction from this source. */
  revision?: number;
}

/**
 * The release id of a source's post: the source's id and a hash of the post's key, so the same post
 * is the same release whatever the feed does with its dates, order or titles.
 *
 * @example
 * itemReleaseId('src-3f9a1c2b', 'https://example.org/?p=123'); // 'src-3f9a1c2b-5d41402abc4b2a76b971'
 */
export function itemReleaseId(sourceId: string, key: string): string {
  return `${sourceId}-${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

/**
 * What is known of a post as of `at`, in `state`: the one shape a poll, a Ghost delivery and
 * take-item.ts record, keeping when it was first seen.
 */
export function itemRecord(item: FeedItem, sourceId: string, state: ItemState, at: string, known?: Pick<SourceItem, 'firstSeenAt'>): SourceItem {
  return {
    sourceId,
    releaseId: itemReleaseId(sourceId, item.key),
    key: item.key,
    ...(item.title ? { title: item.title.slice(0, 300) } : {}),
    ...(item.link ? { link: item.link } : {}),
    state,
    fingerprint: fingerprintOf(item),
    firstSeenAt: known?.firstSeenAt ?? at,
    lastChangedAt: at,
  };
}

/** What a post says: a change to any of it is a correction; a new date alone is not. */
export function fingerprintOf(item: FeedItem): string {
  const content = [item.title, item.link, item.contentHtml, item.summary, item.categories, item.author];
  return createHash('sha256').update(JSON.stringify(content)).digest('base64url').slice(0, 32);
}

/**
 * The lists a post goes to: each of its categories (or tags) that the source maps, compared without
 * case; the `"*"` entry when none matched. Empty when nothing maps.
 *
 * @example
 * listsFor({ categories: ['Press Releases', 'ICE'] }, { lists: { 'press releases': 'press-releases', '*': 'blog' } }); // ['press-releases']
 */
export function listsFor(item: Pick<FeedItem, 'categories'>, source: Pick<Source, 'lists'>): string[] {
  const byName = new Map(Object.entries(source.lists).map(([name, list]) => [name.trim().toLowerCase(), list]));
  const matched = item.categories.map((c) => byName.get(c.trim().toLowerCase())).filter((list): list is string => list !== undefined);
  const lists = matched.length ? matched : source.lists[DEFAULT_CATEGORY] ? [source.lists[DEFAULT_CATEGORY]] : [];
  return [...new Set(lists)];
}

// How feeds end an excerpt: WordPress's "[…]", "…", or a "Read more" / "Continue reading" link.
const EXCERPT_END = /(\[(…|&#8230;|\.\.\.)\]|…|\.\.\.|read more|continue reading[^.]*|weiterlesen|leer más|lire la suite)\s*$/i;
const textOf = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/&[a-z0-9#]+;/gi, ' ').replace(/\s+/g, ' ').trim();

/**
 * Whether the feed carries the whole post, or only an excerpt (then the article page is fetched and
 * its main content extracted). An excerpt: no content at all, content that is the summary again,
 * or a short text that ends the way excerpts end.
 */
export function carriesFullContent(item: Pick<FeedItem, 'contentHtml' | 'summary'>): boolean {
  if (!item.contentHtml) return false;
  const content = textOf(item.contentHtml);
  if (!content) return false;
  if (item.summary && textOf(item.summary) === content) return false;
  return !(content.length < 1500 && EXCERPT_END.test(content));
}

const RELEASE_LIMITS = { title: 300, summary: 1000, tags: 30, tag: 64, author: 200 };
const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ').trim();
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text);
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/** A feed's excerpt as the release's summary: plain text, WordPress's "[…]" ending as "…". */
function summaryText(html: string): string {
  const text = convert(html, { wordwrap: false, selectors: [{ selector: 'a', options: { ignoreHref: true } }, { selector: 'img', format: 'skip' }] });
  return oneLine(text).replace(/\s*\[(…|\.\.\.)\]$/, '…');
}

/**
 * The publish body (Pressroom's release JSON) a post stands for, so that a post from a feed or Ghost
 * runs the same validation, sanitising, preflight and idempotency as the webhook. `article` is the
 * page's extracted content, for a feed that carries excerpts only; `lists` are the lists it goes to.
 * Dates a release would refuse (far future, before 1990) are left out: the release is then dated
 * when it arrives. Returns a reason instead when the post cannot be a release.
 *
 * @example
 * releaseBodyFor(item, source, { lists: ['blog'], now }); // { body: { id, title, url, html, lists, tags, … } }
 */
export function releaseBodyFor(
  item: FeedItem,
  source: Pick<Source, 'id' | 'language'>,
  options: { lists: string[]; article?: ExtractedArticle; now: Date },
): { body: Record<string, unknown> } | { reason: string } {
  const title = oneLine(item.title || options.article?.title || '');
  if (!title) return { reason: 'the post has no title' };
  if (!item.link) return { reason: 'the post has no link to its page' };
  const html = (carriesFullContent(item) ? item.contentHtml : options.article?.contentHtml) || item.contentHtml || item.summary;
  if (!html?.trim()) return { reason: 'the post has no content, and its page had no article to take' };
  const summary = item.summary ? cut(summaryText(item.summary), RELEASE_LIMITS.summary) : undefined;
  const author = item.author || options.article?.byline;
  const published = item.publishedAt ? Date.parse(item.publishedAt) : NaN;
  const datable = published > Date.parse('1990-01-01T00:00:00Z') && published < options.now.getTime() + 86_400_000;
  const language = source.language ?? options.article?.language;
  return {
    body: {
      id: itemReleaseId(source.id, item.key),
      title: cut(title, RELEASE_LIMITS.title),
      url: item.link,
      html,
      lists: options.lists,
      tags: [...new Set(item.categories.map((c) => cut(oneLine(c), RELEASE_LIMITS.tag)).filter(Boolean))].slice(0, RELEASE_LIMITS.tags),
      ...(summary ? { summary } : {}),
      ...(author ? { author: cut(oneLine(author), RELEASE_LIMITS.author) } : {}),
      ...(datable ? { publishedAt: new Date(published).toISOString() } : {}),
      ...(language && LANGUAGE_TAG.test(language) ? { language } : {}),
    },
  };
}
