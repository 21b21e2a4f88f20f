/**
 * What Pressroom reads from a feed entry or a CMS webhook, whatever the format it came in (RSS 2.0,
 * Atom, JSON Feed, a Ghost post): the parsers in adapters/feeds/ and source/ghost.ts produce it, the
 * source use cases turn it into a release.
 */
export interface FeedItem {
  /**
   * What identifies the entry for ever: its guid (RSS), id (Atom, JSON Feed) or the CMS's post id,
   * else its link. The same key with changed content is a correction, never a new send.
   */
  key: string;
  title?: string;
  /** The article's address, absolute (resolved against the feed's address when relative). */
  link?: string;
  /** The full post as HTML, when the feed carries it (`content:encoded`, Atom `content`, `content_html`). */
  contentHtml?: string;
  /** The entry's excerpt (RSS `description`, Atom `summary`, JSON Feed `summary`), HTML or text. */
  summary?: string;
  /** Categories and tags, as named in the feed (WordPress puts both in `<category>`). */
  categories: string[];
  author?: string;
  /** ISO 8601, when the feed dates the entry. */
  publishedAt?: string;
  /** ISO 8601, when the feed says the entry was last changed. */
  updatedAt?: string;
  /** An image the feed names for the entry (enclosure, media:content, JSON Feed `image`). */
  imageUrl?: string;
}

/** A whole feed as parsed. */
export interface ParsedFeed {
  title?: string;
  /** The site's home page, when the feed names it. */
  link?: string;
  /** The feed's language (RSS `language`, `xml:lang`, JSON Feed `language`), when given. */
  language?: string;
  items: FeedItem[];
  /**
   * Entries left out, and why: one with neither a guid/id nor a link (nothing could key it), or a
   * second entry with the key of an earlier one (the first is kept). Shown to staff, never published.
   */
  skipped?: { title?: string; reason: string }[];
}

/** The main content of an article page, as a readability library finds it. */
export interface ExtractedArticle {
  title?: string;
  /** The article's main content as HTML (not yet sanitised: every release body is, at publish). */
  contentHtml: string;
  byline?: string;
  excerpt?: string;
  /** The page's language (`<html lang>`), when given. */
  language?: string;
}
