import type { Clock } from '../ports';
import type { ListReader } from '../lists/ports';
import type { ReleaseStore } from '../release/ports';
import { NotFoundError } from '../errors';
import type { MailingList } from '../lists/mailing-list';
import { releaseBody } from '../release/release-body';
import type { Release } from '../release/release';
import { collectListed, syndicatedListIds } from './listing';
import { ALL_RELEASES_FEED } from './feed-names';
import { languageVersions, primarySubtag, releaseIn } from '../release/translations';

/** The syndication formats each feed is offered in (the extension in `/feeds/{name}.{format}`). */
export const FeedFormat = {
  Rss: 'rss',
  Atom: 'atom',
  Json: 'json',
} as const;
export type FeedFormat = (typeof FeedFormat)[keyof typeof FeedFormat];

/** Newest releases a feed carries: readers keep what they already fetched, so older ones are not lost. */
export const FEED_MAX_ITEMS = 50;

/**
 * Bytes of item HTML one feed may carry. A Lambda response is at most 6 MB after JSON-encoding the
 * body once more; 50 unusually long releases (bodies may be 300 KB) must not make the feed fail.
 */
export const FEED_CONTENT_BUDGET_BYTES = 3_000_000;

/** Store reads a feed may spend looking for its list's releases among everyone else's. */
const FEED_MAX_READS = 10;

export interface FeedRequest {
  /** Undefined for the all-releases feed. */
  listId?: string;
  /**
   * The feed in one language (`all.es.atom`): each release in that language, its translation's when
   * it has one. A release with neither is left out, since a reader who chose a language's feed cannot
   * be assumed to read another; the feed without a language (`all.atom`) still carries every release.
   */
  language?: string;
  format: FeedFormat;
}

export interface FeedItem {
  /** The release's web version URL: unique even when two releases point at the same page, and it resolves. */
  id: string;
  title: string;
  /** The release on the organisation's own website. */
  url: string;
  webVersionUrl: string;
  published: Date;
  /** Releases are never edited after publication, so this is `published`. */
  updated: Date;
  author?: string;
  categories: string[];
  /** The sanitised release body; every link and image source is absolute. */
  contentHtml: string;
  /** Plain text. */
  summary?: string;
  language: string;
}

export interface FeedModel {
  title: string;
  description: string;
  /** The HTML page the feed stands for: the archive. */
  homePageUrl: string;
  /** This feed's own address in each format. */
  selfUrls: Record<FeedFormat, string>;
  author: string;
  /** Set when every item shares one language. */
  language?: string;
  /**
   * When the feed last changed: the newest moment an item became visible (its publication, or its
   * embargo's end when later) or a list it depends on changed. Never later than now.
   */
  updated: Date;
  items: FeedItem[];
}

export interface FeedDeps {
  releases: ReleaseStore;
  lists: ListReader;
  clock: Clock;
  /** Base URL of this service. */
  publicUrl: string;
  organisationName: string;
}

/**
 * Reads `all.rss`, `blog.atom`, `press-releases.json`, `all.es.atom`, `blog.pt-br.rss` … as a feed
 * request (list ids never hold a dot, so the middle part is always a language).
 *
 * @throws NotFoundError for a name that no feed could have.
 * @example
 * parseFeedName('blog.atom'); // { listId: 'blog', format: 'atom' }
 * parseFeedName('all.es.json'); // { listId: undefined, language: 'es', format: 'json' }
 */
export function parseFeedName(name: string): FeedRequest {
  const match = /^([a-z0-9][a-z0-9-]{0,63})(?:\.(?!(?:rss|atom|json)\.)([a-z]{2,3}(?:-[a-z0-9]{2,8})*))?\.(rss|atom|json)$/.exec(name);
  if (!match) throw new NotFoundError(`No feed "${name}"`);
  return { listId: match[1] === ALL_RELEASES_FEED ? undefined : match[1], ...(match[2] ? { language: match[2] } : {}), format: match[3] as FeedFormat };
}

/** The version of a release a feed in `language` carries, or undefined when it has none in that language. */
function inLanguage(release: Release, language: string | undefined): Release | undefined {
  if (!language) return release;
  const version = releaseIn(release, language);
  return primarySubtag(version.language) === primarySubtag(language) ? version : undefined;
}

/**
 * Builds the feed of all syndicated releases, or of one public list, as the reader sees it at
 * `clock.now()`: embargoed releases are left out until their embargo has passed.
 *
 * @throws NotFoundError for an unknown or private list.
 * @example
 * const feed = await buildFeed(parseFeedName('blog.rss'), { releases, lists, clock, publicUrl, organisationName });
 */
export async function buildFeed(request: FeedRequest, deps: FeedDeps): Promise<FeedModel> {
  const now = deps.clock.now();
  const lists = await deps.lists.all();
  const syndicated = syndicatedListIds(lists);
  const list = request.listId === undefined ? undefined : lists.find((l) => l.id === request.listId);
  if (request.listId !== undefined && (!list || !syndicated.has(list.id))) throw new NotFoundError(`No public list "${request.listId}"`);

  const onList = list ? (r: Release) => r.lists.includes(list.id) : (r: Release) => r.lists.some((id) => syndicated.has(id));
  const wanted = (r: Release) => onList(r) && inLanguage(r, request.language) !== undefined;
  const { releases } = await collectListed(deps.releases, { limit: FEED_MAX_ITEMS, now, wanted, maxReads: FEED_MAX_READS });
  const base = deps.publicUrl.replace(/\/+$/, '');
  const items = withinBudget(await Promise.all(releases.map((release) => feedItem(inLanguage(release, request.language)!, base, release))));

  const name = `${list?.id ?? ALL_RELEASES_FEED}${request.language ? `.${request.language}` : ''}`;
  const org = deps.organisationName;
  const languages = new Set(items.map((i) => i.language));
  return {
    title: list ? `${org}: ${list.name}` : org,
    description: list?.description || (list ? `${list.name} from ${org}` : `Releases from ${org}`),
    homePageUrl: `${base}/archive`,
    selfUrls: {
      rss: `${base}/feeds/${name}.rss`,
      atom: `${base}/feeds/${name}.atom`,
      json: `${base}/feeds/${name}.json`,
    },
    author: org,
    language: languages.size === 1 ? [...languages][0] : undefined,
    updated: lastChanged(releases.slice(0, items.length), list ? [list] : lists, now),
    items,
  };
}

/** `release` is the version the feed shows (a translation, maybe); `original` the release as stored. */
async function feedItem(release: Release, base: string, original: Release): Promise<FeedItem> {
  const published = new Date(release.publishedAt);
  const webVersionUrl = `${base}${languageVersions(original).find((v) => v.language === release.language)?.path ?? `/releases/${encodeURIComponent(release.id)}`}`;
  return {
    id: webVersionUrl,
    title: release.title,
    url: release.url,
    webVersionUrl,
    published,
    // A corrected release says when: feed readers show the entry as updated rather than new.
    updated: release.updatedAt ? new Date(release.updatedAt) : published,
    author: release.author || undefined,
    categories: release.tags,
    contentHtml: await releaseBody(release),
    summary: release.summary || undefined,
    language: release.language,
  };
}

/** The newest items whose HTML fits {@link FEED_CONTENT_BUDGET_BYTES}; always at least one. */
function withinBudget(items: FeedItem[]): FeedItem[] {
  let bytes = 0;
  const kept: FeedItem[] = [];
  for (const item of items) {
    bytes += Buffer.byteLength(item.contentHtml) + Buffer.byteLength(item.summary ?? '');
    if (kept.length > 0 && bytes > FEED_CONTENT_BUDGET_BYTES) break;
    kept.push(item);
  }
  return kept;
}

/**
 * An item that was embargoed appears when the embargo ends, which may be long after its publication
 * date (and after newer items), and a correction changes an item in place: counting only publication
 * dates would let `If-Modified-Since` hide either.
 */
function lastChanged(releases: Release[], lists: MailingList[], now: Date): Date {
  const moments = [
    ...releases.map((r) => Math.max(Date.parse(r.publishedAt), r.embargoUntil ? Date.parse(r.embargoUntil) : 0, r.updatedAt ? Date.parse(r.updatedAt) : 0)),
    ...lists.map((l) => Date.parse(l.updatedAt)),
  ].filter((t) => !Number.isNaN(t));
  return new Date(Math.min(now.getTime(), Math.max(0, ...moments)));
}
