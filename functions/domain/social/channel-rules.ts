/**
 * How each channel measures a post. Where a channel does not say exactly how it counts, the count
 * chosen here never comes out lower than the channel's, so a post that fits here is not refused there.
 *
 * - `graphemes`: what a reader sees as one character (Bluesky counts this way).
 * - `codepoints`: Unicode code points; never fewer than graphemes.
 * - `utf16`: UTF-16 code units, a Java or JavaScript string's length; an emoji outside the BMP counts 2.
 * - `twitter`: X's weighted count by `twitter-text`, after NFC: most scripts 1, CJK and every emoji
 *   sequence 2, and every URL 23 (with or without a scheme: `example.com` is a URL to X).
 * - `threads`: Meta's count: an emoji counts its UTF-8 bytes (👍 is 4, a ZWJ family 25), anything else
 *   its UTF-16 units.
 */
export type CountBy = 'graphemes' | 'codepoints' | 'utf16' | 'twitter' | 'threads';

/** How one channel measures and limits a post. */
export interface ChannelTextRules {
  /** Most characters a post may have, counted per `countBy` and `urlLength`. */
  maxLength: number;
  /**
   * Every URL counts as this many characters whatever its real length (23 on Mastodon). Not read by
   * the `twitter` count, which counts URLs as X does.
   */
  urlLength?: number;
  countBy: CountBy;
  /** Most UTF-8 bytes a post may have, where a channel caps storage as well as length (Bluesky). */
  maxBytes?: number;
  /** Most distinct links a post may have, scheme or not (Threads). */
  maxLinks?: number;
  /** Whether tags become hashtags at the end of the post. */
  hashtags: boolean;
  /** Most hashtags to add, when the channel links only some (Threads links one). */
  maxHashtags?: number;
  /** Longest hashtag in code points, `#` left out. Longer tags are left out, as a cut tag is another tag. */
  maxHashtagLength?: number;
}

/**
 * X: 280 by its weighted count (docs.x.com/fundamentals/counting-characters: URLs 23 through t.co,
 * emoji 2 however many code points, NFC before counting; `twitter-text` is the reference counter).
 */
export const X_RULES: ChannelTextRules = { maxLength: 280, countBy: 'twitter', hashtags: true };

/**
 * Mastodon's defaults, `configuration.statuses` in docs.joinmastodon.org/entities/Instance:
 * `max_characters` 500 and `characters_reserved_per_url` 23; an instance may configure others. Its
 * StatusLengthValidator counts grapheme clusters after replacing each URL that twitter-text's
 * extractor finds (scheme required) with 23 characters; counting code points never counts fewer.
 */
export const MASTODON_RULES: ChannelTextRules = { maxLength: 500, urlLength: 23, countBy: 'codepoints', hashtags: true };

/**
 * Bluesky's `app.bsky.feed.post` lexicon: `text` has `maxGraphemes` 300 and `maxLength` 3000 bytes;
 * 300 ZWJ families (25 bytes each) would pass the first and fail the second. URLs count in full: a
 * link facet may point at a URL, but the text is what is counted. A tag facet holds at most 64
 * graphemes (`app.bsky.richtext.facet#tag`).
 */
export const BLUESKY_RULES: ChannelTextRules = {
  maxLength: 300,
  countBy: 'graphemes',
  maxBytes: 3000,
  hashtags: true,
  maxHashtagLength: 64,
};

/**
 * LinkedIn's Posts API takes 3,000 characters of `commentary`. LinkedIn does not say in what unit, so
 * UTF-16 units, the length a Java or JavaScript service would take, which never count fewer than code
 * points. The text is counted before its "little" format escaping (the adapter's job): the limit is
 * on what members read.
 */
export const LINKEDIN_RULES: ChannelTextRules = { maxLength: 3000, countBy: 'utf16', hashtags: true };

/**
 * Threads (developers.facebook.com/documentation/threads/posts): 500 characters, emoji counted as
 * their UTF-8 bytes; since 2025-12-22 a post with more than 5 distinct links is refused
 * (THREADS_API__LINK_LIMIT_EXCEEDED, create-posts/text-attachments). Threads links one topic tag per
 * post, so one hashtag, and a topic tag is 1–50 characters.
 */
export const THREADS_RULES: ChannelTextRules = {
  maxLength: 500,
  countBy: 'threads',
  maxLinks: 5,
  hashtags: true,
  maxHashtags: 1,
  maxHashtagLength: 50,
};

/** The local stand-in channel: what a reader sees, one grapheme one character. */
export const LOCAL_RULES: ChannelTextRules = { maxLength: 500, countBy: 'graphemes', hashtags: true };

/** Block Kit limits: header `plain_text` ≤ 150, section text ≤ 3000 (the tag line's context is held to the same). */
export const SLACK_LIMITS = { header: 150, text: 3000 } as const;

/** Discord's documented message and embed limits. */
export const DISCORD_LIMITS = { content: 2000, title: 256, description: 4096, footer: 2048, embedTotal: 6000 } as const;

/**
 * The plain text stored as "what was posted" for a card. Slack also sends it as the notification
 * fallback; Discord sends it nowhere unless staff's own text replaces it.
 */
export const SLACK_TEXT_RULES: ChannelTextRules = { maxLength: SLACK_LIMITS.text, countBy: 'codepoints', hashtags: false };
export const DISCORD_TEXT_RULES: ChannelTextRules = { maxLength: DISCORD_LIMITS.content, countBy: 'codepoints', hashtags: false };
