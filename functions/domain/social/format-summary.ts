import type { SocialSummary } from './social-post';

/** How one channel measures and limits a post. */
export interface ChannelTextRules {
  /** Most characters a post may have, counted per `countBy` and `urlLength`. */
  maxLength: number;
  /** Every URL counts as this many characters whatever its real length (23 on Mastodon and X). */
  urlLength?: number;
  countBy: 'codepoints' | 'graphemes';
  /** Whether tags become hashtags at the end of the post. */
  hashtags: boolean;
}

/**
 * Mastodon's defaults: 500 characters, every URL counts as 23. The server counts grapheme clusters;
 * counting code points instead never counts fewer, so a post that fits here is never refused there.
 */
export const MASTODON_RULES: ChannelTextRules = { maxLength: 500, urlLength: 23, countBy: 'codepoints', hashtags: true };

// Provisional rules for the other text channels; refined (X's weighted count, Threads' single topic
// tag) together with their tests.
export const X_RULES: ChannelTextRules = { maxLength: 280, urlLength: 23, countBy: 'codepoints', hashtags: true };
export const BLUESKY_RULES: ChannelTextRules = { maxLength: 300, countBy: 'graphemes', hashtags: true };
export const LINKEDIN_RULES: ChannelTextRules = { maxLength: 3000, countBy: 'codepoints', hashtags: true };
export const THREADS_RULES: ChannelTextRules = { maxLength: 500, countBy: 'codepoints', hashtags: false };

/** The local stand-in channel: what a reader sees, one grapheme one character. */
export const LOCAL_RULES: ChannelTextRules = { maxLength: 500, countBy: 'graphemes', hashtags: true };

// Trailing punctuation is left out of the URL, so `see https://a.example/x.` counts the full stop on
// its own: counting one character too many is safe, one too few would get the post refused.
const URL_PATTERN = /https?:\/\/\S*[^\s.,;:!?'")\]}>…]/gu;
const PARAGRAPH = '\n\n';
const ELLIPSIS = '…';
// What may dangle before the ellipsis: spaces, list punctuation, a dash that followed a space.
const DANGLING = /(?:[\s,;:]|\s[–—-])+$/u;

// Characters that can join a grapheme with its neighbour: marks, format characters (ZWJ, tags,
// prepended signs), skin tones, flag halves, CR and Hangul jamo. Text without them has one grapheme per
// code point, so it skips the segmenter, which is slow. Missing a rare joiner here only over-counts.
const MAY_JOIN = /[\p{M}\p{Cf}\p{Emoji_Modifier}\p{Regional_Indicator}\r\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF]/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * Length of `text` as the channel counts it: code points or grapheme clusters, with every
 * `http(s)://` URL counted as `rules.urlLength` when the channel sets one.
 *
 * @example
 * textLength('Read https://example.com/a/very/long/path', MASTODON_RULES); // 5 + 23 = 28
 */
export function textLength(text: string, rules: ChannelTextRules): number {
  let length = 0;
  let plainFrom = 0;
  for (const { range, url } of urlsIn(text)) {
    length += countChars(text.slice(plainFrom, range[0]), rules) + (rules.urlLength ?? countChars(url, rules));
    plainFrom = range[1];
  }
  return length + countChars(text.slice(plainFrom), rules);
}

/**
 * Why `text` would be refused by a channel with these rules, or undefined when it fits.
 *
 * @example
 * checkText('x'.repeat(501), MASTODON_RULES); // 'Text is 501 characters, over 500'
 */
export function checkText(text: string, rules: ChannelTextRules): string | undefined {
  if (!text.trim()) return 'Text is empty';
  const length = textLength(text, rules);
  return length > rules.maxLength ? `Text is ${length} characters, over ${rules.maxLength}` : undefined;
}

/**
 * Formats a release summary for one channel: the title, the summary as its own paragraph, the URL,
 * then the tags as hashtags. When that is too long it drops hashtags from the end, then shortens the
 * summary at a word boundary with `…` (dropping it when not even one word fits), then the title.
 * Cuts never split a grapheme or a URL, and the release URL is always kept whole, so the result fits
 * `rules.maxLength` unless the URL alone does not.
 *
 * @example
 * formatSummary(
 *   { title: 'Pressroom 2.0', summary: 'Faster sends.', url: 'https://example.com/r/2', tags: ['Press Releases'], language: 'en' },
 *   MASTODON_RULES,
 * ); // 'Pressroom 2.0\n\nFaster sends.\n\nhttps://example.com/r/2\n\n#PressReleases'
 */
export function formatSummary(summary: SocialSummary, rules: ChannelTextRules): string {
  const title = summary.title.replace(/\s+/gu, ' ').trim();
  const body = (summary.summary ?? '').trim();
  const url = summary.url.trim();
  const fits = (text: string) => textLength(text, rules) <= rules.maxLength;

  const hashtags = rules.hashtags ? hashtagsOf(summary.tags) : [];
  const counts = Array.from({ length: hashtags.length + 1 }, (_, i) => i);
  const kept = lastFitting(counts, (count) => fits(compose(title, body, url, hashtags.slice(0, count))));
  if (kept !== undefined) return compose(title, body, url, hashtags.slice(0, kept));

  const shortBody = shorten(body, (b) => fits(compose(title, b, url, [])), { midWord: false });
  if (shortBody !== undefined) return compose(title, shortBody, url, []);

  // A title is worth keeping even cut inside one long word; a summary reduced to that is not.
  const shortTitle = shorten(title, (t) => fits(compose(t, '', url, [])), { midWord: true });
  return compose(shortTitle ?? '', '', url, []);
}

/**
 * `Press Releases` → `#PressReleases`: letters (diacritics included) and digits only. Tags left with no
 * letter are dropped, as Mastodon would not link them; repeats are dropped case-insensitively.
 */
function hashtagsOf(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const hashtags: string[] = [];
  for (const tag of tags) {
    const body = tag.normalize('NFC').replace(/[^\p{L}\p{M}\p{N}]/gu, '');
    const key = body.toLocaleLowerCase();
    if (!/\p{L}/u.test(body) || seen.has(key)) continue;
    seen.add(key);
    hashtags.push(`#${body}`);
  }
  return hashtags;
}

function compose(title: string, body: string, url: string, hashtags: string[]): string {
  return [title, body, url, hashtags.join(' ')].filter(Boolean).join(PARAGRAPH);
}

/** `text` if it `fits`, else the longest cut of it ending in `…` that does, or undefined when none does. */
function shorten(text: string, fits: (short: string) => boolean, { midWord }: { midWord: boolean }): string | undefined {
  if (fits(text)) return text;
  const urls = [...urlsIn(text)].map((u) => u.range);
  const insideUrl = (at: number) => urls.some(([start, end]) => at > start && at < end);
  const graphemeEnds = new Set([...graphemes.segment(text)].map((s) => s.index));
  const cutsAt = (segmenter: Intl.Segmenter) =>
    [...segmenter.segment(text)].map((s) => s.index).filter((at) => at > 0 && graphemeEnds.has(at) && !insideUrl(at));

  for (const cuts of midWord ? [cutsAt(words), cutsAt(graphemes)] : [cutsAt(words)]) {
    const at = lastFitting(cuts, (cut) => {
      const short = cutAt(text, cut);
      return short !== undefined && fits(short);
    });
    if (at !== undefined) return cutAt(text, at);
  }
  return undefined;
}

function cutAt(text: string, at: number): string | undefined {
  const head = text.slice(0, at).replace(DANGLING, '');
  if (!head) return undefined;
  // An ellipsis glued to a URL would read as part of the link.
  const endsWithUrl = [...urlsIn(head)].some(({ range }) => range[1] === head.length);
  return endsWithUrl ? `${head} ${ELLIPSIS}` : `${head}${ELLIPSIS}`;
}

/**
 * Binary search for the last of `candidates` that passes. Length grows with each candidate, so the
 * passing ones form a prefix; the answer is always one that was checked.
 */
function lastFitting(candidates: number[], passes: (candidate: number) => boolean): number | undefined {
  let lo = -1;
  let hi = candidates.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (passes(candidates[mid])) lo = mid;
    else hi = mid;
  }
  return lo >= 0 ? candidates[lo] : undefined;
}

/** The first `http(s)://` URL in `text`, counted the way {@link textLength} counts it. */
export function firstUrl(text: string): string | undefined {
  return urlsIn(text).next().value?.url;
}

function* urlsIn(text: string): Generator<{ url: string; range: [number, number] }> {
  for (const match of text.matchAll(URL_PATTERN)) {
    yield { url: match[0], range: [match.index, match.index + match[0].length] };
  }
}

function countChars(text: string, rules: ChannelTextRules): number {
  const codepoints = [...text].length;
  if (rules.countBy === 'codepoints' || !MAY_JOIN.test(text)) return codepoints;
  return [...graphemes.segment(text)].length;
}
