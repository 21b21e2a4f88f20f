import type { FeedItem, ParsedFeed } from '../../domain/source/feed-item';

/** An entry as a format reader finds it, before it is keyed: its own identifier, if any, kept apart. */
export interface FeedEntry {
  item: Omit<FeedItem, 'key'>;
  /** The entry's guid (RSS) or id (Atom, JSON Feed), trimmed; absent when empty. */
  id?: string;
  /** Why the entry cannot be read at all (a JSON Feed item of the wrong shape): it is skipped. */
  unreadable?: string;
}

/** A feed as a format reader finds it; {@link keyEntries} turns it into a ParsedFeed. */
export interface FeedEntries extends Omit<ParsedFeed, 'items' | 'skipped'> {
  /** What the format calls an entry's identifier, for the reasons given to staff. */
  idName: 'guid' | 'id';
  entries: FeedEntry[];
}

/**
 * `value` as an absolute http(s) URL, resolved against the first base that makes it one; undefined
 * otherwise (a `tag:` or `javascript:` URI, an unresolvable relative path, nothing at all).
 */
export function absoluteHttpUrl(value: string | null | undefined, ...bases: Array<string | null | undefined>): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  for (const base of [undefined, ...bases]) {
    if (base === null) continue;
    let url: URL;
    try {
      url = new URL(trimmed, base);
    } catch {
      continue;
    }
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  }
  return undefined;
}

/** Trimmed, without empties, each name once (the first spelling kept), in the feed's order. */
export function uniqueNames(names: Array<string | null | undefined>): string[] {
  const seen = new Set<string>();
  const kept: string[] = [];
  for (const name of names) {
    const trimmed = name?.trim();
    if (!trimmed || seen.has(trimmed)) continue;
    seen.add(trimmed);
    kept.push(trimmed);
  }
  return kept;
}

/** A non-empty trimmed string, else undefined. */
export function text(value: string | null | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

/**
 * Keys each entry by its guid or id, else its link; an entry with neither, and a second entry with
 * the key of an earlier one, is listed in `skipped` instead (the first is kept: feeds list newest
 * first, and a repeat is a feed's mistake, never a second release).
 */
export function keyEntries(feed: FeedEntries): ParsedFeed {
  const items: FeedItem[] = [];
  const skipped: NonNullable<ParsedFeed['skipped']> = [];
  const seen = new Set<string>();
  for (const { item, id, unreadable } of feed.entries) {
    const key = id ?? item.link;
    const title = item.title ? { title: item.title } : {};
    if (unreadable) {
      skipped.push({ ...title, reason: unreadable });
      continue;
    }
    if (!key) {
      skipped.push({ ...title, reason: `no ${feed.idName} and no link to tell it apart` });
      continue;
    }
    if (seen.has(key)) {
      skipped.push({ ...title, reason: `same ${id ? feed.idName : 'link'} as an earlier entry` });
      continue;
    }
    seen.add(key);
    items.push({ key, ...item });
  }
  const { idName: _, entries: __, ...about } = feed;
  return { ...about, items, ...(skipped.length ? { skipped } : {}) };
}

/** An ISO 8601 string for a date, or undefined when there is none or it is not a real date. */
export function isoDate(date: Date | null | undefined): string | undefined {
  return date && !Number.isNaN(date.valueOf()) ? date.toISOString() : undefined;
}

/** `text` as HTML paragraphs: blank lines part paragraphs, single line breaks stay. */
export function textToHtml(value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p>${paragraph.replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

/** Drops the keys whose value is undefined, so an absent field is absent, not `undefined`. */
export function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
