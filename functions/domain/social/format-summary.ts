import twitterText from 'twitter-text';
import type { ChannelTextRules } from './channel-rules';
import type { SocialSummary } from './social-post';

export {
  BLUESKY_RULES,
  LINKEDIN_RULES,
  LOCAL_RULES,
  MASTODON_RULES,
  THREADS_RULES,
  X_RULES,
  type ChannelTextRules,
  type CountBy,
} from './channel-rules';

// Any `http(s)://` URL, whatever its host; trailing punctuation is left out, as linkifiers do.
const URL_PATTERN = /https?:\/\/\S*[^\s.,;:!?'")\]}>…]/gu;
// A post is measured a run at a time, each run's measure kept: candidates for a cut share all but one
// run, so only that one is measured again. Every count adds up across these runs: graphemes always
// break after a line feed, and no URL, emoji sequence or NFC composition spans a space or line break
// (X's count is split at spaces too, as twitter-text's URL pattern is slow over long lines of CJK or
// emoji). twitter-text's indices are UTF-16 offsets, like ours.
const LINES = /[^\n]*\n|[^\n]+/gu;
const RUNS = /[ \t\n\r]+|[^ \t\n\r]+/gu;
const WORD_RUNS = /[^ \t\n\r]+/gu;
const PARAGRAPH = '\n\n';
const ELLIPSIS = '…';
// What may dangle before the ellipsis: spaces, list punctuation, a dash that followed a space.
const DANGLING = /(?:[\s,;:]|\s[–—-])+$/u;
// X refuses a post holding any of these (twitter-text's `invalidChars`); nobody means them in a title.
const REFUSED_BY_X = /[\uFEFF\uFFFE\uFFFF]/gu;

// Characters that can join a grapheme with its neighbour: marks, format characters (ZWJ, tags,
// prepended signs), skin tones, flag halves, CR and Hangul jamo. Text without them has one grapheme per
// code point, so it skips the segmenter, which is slow. Missing a rare joiner here only over-counts.
export const MAY_JOIN = /[\p{M}\p{Cf}\p{Emoji_Modifier}\p{Regional_Indicator}\r\u1100-\u11FF\uA960-\uA97F\uD7B0-\uD7FF]/u;
// A grapheme holding any of these is an emoji to Threads, counted in UTF-8 bytes. Text-style symbols
// such as © count too: that over-counts by a byte, never under.
const EMOJI = /[\p{Extended_Pictographic}\p{Regional_Indicator}\u20E3\uFE0F]/u;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const words = new Intl.Segmenter(undefined, { granularity: 'word' });

type Range = [start: number, end: number];

/**
 * Length of `text` as the channel counts it (see {@link CountBy}). When the channel sets `urlLength`,
 * every URL counts that much whatever its real length; URLs are found as Mastodon's own length check
 * finds them (twitter-text's extractor, scheme required), so a URL it would count in full, such as
 * `http://localhost:3000/x`, is counted in full here too.
 *
 * @example
 * textLength('Read https://example.com/a/very/long/path', MASTODON_RULES); // 5 + 23 = 28
 * textLength('新機能 https://example.com/a/very/long/path', X_RULES); // 3×2 + 1 + 23 = 30
 */
export function textLength(text: string, rules: ChannelTextRules): number {
  return measure(text, rules, new Map()).length;
}

/**
 * Why `text` would be refused by a channel with these rules, or undefined when it fits. Staff's
 * override text goes through this before it is posted.
 *
 * @example
 * checkText('x'.repeat(501), MASTODON_RULES); // 'Text is 501 characters, over 500'
 */
export function checkText(text: string, rules: ChannelTextRules): string | undefined {
  if (!text.trim()) return 'Text is empty';
  const over = overLimit(text, rules, new Map());
  if (over) return over;
  if (rules.countBy === 'twitter' && twitterText.hasInvalidCharacters(text)) {
    return 'Text holds a character X refuses (U+FEFF, U+FFFE or U+FFFF)';
  }
  return undefined;
}

/**
 * Formats a release summary for one channel: the title, the summary as its own paragraph, the URL,
 * then the tags as hashtags. When that is too long it drops hashtags from the end, then shortens the
 * summary at a word boundary with `…` (dropping it when not even one word fits), then the title.
 * Cuts never split a grapheme or a URL, and the release URL is always kept whole, so the result fits
 * the rules unless the URL alone does not. Title and summary are put in NFC, as X and most readers
 * compare text that way, and characters X refuses are dropped.
 *
 * @example
 * formatSummary(
 *   { title: 'Pressroom 2.0', summary: 'Faster sends.', url: 'https://example.com/r/2', tags: ['Press Releases'], language: 'en' },
 *   MASTODON_RULES,
 * ); // 'Pressroom 2.0\n\nFaster sends.\n\nhttps://example.com/r/2\n\n#PressReleases'
 */
export function formatSummary(summary: SocialSummary, rules: ChannelTextRules): string {
  const title = cleaned(summary.title).replace(/\s+/gu, ' ').trim();
  const body = cleaned(summary.summary ?? '').trim();
  const url = summary.url.trim();
  const measured = new Map<string, Measure>();
  const fits = (text: string) => overLimit(text, rules, measured) === undefined;

  const hashtags = rules.hashtags ? hashtagsOf(summary.tags, rules) : [];
  const counts = Array.from({ length: hashtags.length + 1 }, (_, i) => i);
  const kept = lastFitting(counts, (count) => fits(compose(title, body, url, hashtags.slice(0, count))));
  if (kept !== undefined) return compose(title, body, url, hashtags.slice(0, kept));

  const shortBody = shorten(body, (b) => fits(compose(title, b, url, [])), { midWord: false });
  if (shortBody !== undefined) return compose(title, shortBody, url, []);

  // A title is worth keeping even cut inside one long word; a summary reduced to that is not.
  const shortTitle = shorten(title, (t) => fits(compose(t, '', url, [])), { midWord: true });
  return compose(shortTitle ?? '', '', url, []);
}

/** The first `http(s)://` URL in `text`, trailing punctuation left out. */
export function firstUrl(text: string): string | undefined {
  return text.match(URL_PATTERN)?.[0];
}

/** Why `text` breaks one of the limits, or undefined. Each grows with the text, so cuts can search. */
function overLimit(text: string, rules: ChannelTextRules, measured: Map<string, Measure>): string | undefined {
  const { length, bytes, links } = measure(text, rules, measured);
  if (length > rules.maxLength) return `Text is ${length} characters, over ${rules.maxLength}`;
  if (rules.maxBytes !== undefined && bytes > rules.maxBytes) return `Text is ${bytes} bytes, over ${rules.maxBytes}`;
  if (rules.maxLinks !== undefined && links.size > rules.maxLinks) {
    return `Text has ${links.size} links, over ${rules.maxLinks}`;
  }
  return undefined;
}

/** NFC, lone surrogates made U+FFFD (no channel takes them) and X's refused characters dropped. */
function cleaned(text: string): string {
  return text.replace(/\p{Cs}/gu, '\uFFFD').normalize('NFC').replace(REFUSED_BY_X, '');
}

/**
 * `Press Releases` → `#PressReleases`: letters (diacritics included) and digits only. Tags left with no
 * letter are dropped, as no channel links `#2024`; so are repeats, compared case-insensitively, and
 * tags longer than the channel links. At most `rules.maxHashtags`, in the order given.
 */
function hashtagsOf(tags: readonly string[], rules: ChannelTextRules): string[] {
  const seen = new Set<string>();
  const hashtags: string[] = [];
  for (const tag of tags) {
    // A mark left at the start would sit on the `#`.
    const body = tag.normalize('NFC').replace(/[^\p{L}\p{M}\p{Nd}]/gu, '').replace(/^\p{M}+/u, '');
    const key = body.toLocaleLowerCase();
    if (!/\p{L}/u.test(body) || seen.has(key)) continue;
    if (rules.maxHashtagLength !== undefined && [...body].length > rules.maxHashtagLength) continue;
    seen.add(key);
    hashtags.push(`#${body}`);
  }
  return hashtags.slice(0, rules.maxHashtags);
}

function compose(title: string, body: string, url: string, hashtags: string[]): string {
  return [title, body, url, hashtags.join(' ')].filter(Boolean).join(PARAGRAPH);
}

/** `text` if it `fits`, else the longest cut of it ending in `…` that does, or undefined when none does. */
function shorten(text: string, fits: (short: string) => boolean, { midWord }: { midWord: boolean }): string | undefined {
  if (fits(text)) return text;
  const urls = urlRanges(text);
  const insideUrl = (at: number) => urls.some(([start, end]) => at > start && at < end);
  const graphemeEnds = new Set([...graphemes.segment(text)].map((s) => s.index));
  const cutsAt = (segmenter: Intl.Segmenter) =>
    [...segmenter.segment(text)].map((s) => s.index).filter((at) => at > 0 && graphemeEnds.has(at) && !insideUrl(at));

  for (const cuts of midWord ? [cutsAt(words), cutsAt(graphemes)] : [cutsAt(words)]) {
    const at = lastFitting(cuts, (cut) => {
      const short = cutAt(text, cut, urls);
      return short !== undefined && fits(short);
    });
    if (at !== undefined) return cutAt(text, at, urls);
  }
  return undefined;
}

function cutAt(text: string, at: number, urls: readonly Range[]): string | undefined {
  const head = text.slice(0, at).replace(DANGLING, '');
  if (!head) return undefined;
  // An ellipsis glued to a URL would read as part of the link.
  const endsWithUrl = urls.some(([, end]) => end === head.length);
  return endsWithUrl ? `${head} ${ELLIPSIS}` : `${head}${ELLIPSIS}`;
}

/**
 * Binary search for the last of `candidates` that passes. Length grows with each candidate, so the
 * passing ones form a prefix; the answer is always one that was checked, so even where a count is
 * not quite monotonic (a URL counts 23 however long) the result fits, at worst a word shorter.
 */
export function lastFitting(candidates: number[], passes: (candidate: number) => boolean): number | undefined {
  let lo = -1;
  let hi = candidates.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (passes(candidates[mid])) lo = mid;
    else hi = mid;
  }
  return lo >= 0 ? candidates[lo] : undefined;
}

/**
 * Where `text` has links, by the broadest reading: `http(s)://` URLs, and everything twitter-text sees
 * as one, which includes `example.com` with no scheme (X and Threads link those). Overlaps are merged.
 */
function urlRanges(text: string): Range[] {
  const found: Range[] = [...text.matchAll(URL_PATTERN)].map((m) => [m.index, m.index + m[0].length]);
  found.push(...extractedUrls(text, { withoutScheme: true }));
  found.sort((a, b) => a[0] - b[0]);
  const merged: Range[] = [];
  for (const [start, end] of found) {
    const last = merged.at(-1);
    if (last && start < last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

interface Measure {
  length: number;
  /** UTF-8 bytes, when the rules cap them. */
  bytes: number;
  /** Distinct links, when the rules cap them. */
  links: ReadonlySet<string>;
}

/** {@link textLength}, bytes and links of `text`, each run's measure kept in `measured`. */
function measure(text: string, rules: ChannelTextRules, measured: Map<string, Measure>): Measure {
  const total = { length: 0, bytes: 0, links: new Set<string>() };
  for (const [run] of text.matchAll(rules.countBy === 'twitter' ? RUNS : LINES)) {
    let part = measured.get(run);
    if (!part) measured.set(run, (part = measureRun(run, rules)));
    total.length += part.length;
    total.bytes += part.bytes;
    for (const link of part.links) total.links.add(link);
  }
  return total;
}

function measureRun(run: string, rules: ChannelTextRules): Measure {
  return {
    length: runLength(run, rules),
    bytes: rules.maxBytes === undefined ? 0 : utf8Length(run),
    links: new Set(rules.maxLinks === undefined ? [] : urlRanges(run).map(([start, end]) => run.slice(start, end))),
  };
}

function runLength(run: string, rules: ChannelTextRules): number {
  if (rules.countBy === 'twitter') return twitterText.parseTweet(run).weightedLength;
  if (rules.urlLength === undefined) return countChars(run, rules);
  let length = 0;
  let plainFrom = 0;
  for (const [start, end] of extractedUrls(run, { withoutScheme: false })) {
    length += countChars(run.slice(plainFrom, start), rules) + rules.urlLength;
    plainFrom = end;
  }
  return length + countChars(run.slice(plainFrom), rules);
}

/**
 * The URLs twitter-text's extractor finds, searched for one run at a time: its pattern is slow over
 * long CJK or emoji text (a tenth of a second for a few hundred flags), and a URL never holds a space.
 */
function extractedUrls(text: string, { withoutScheme }: { withoutScheme: boolean }): Range[] {
  const ranges: Range[] = [];
  for (const { 0: run, index } of text.matchAll(WORD_RUNS)) {
    if (!run.includes(withoutScheme ? '.' : ':')) continue;
    for (const { indices } of twitterText.extractUrlsWithIndices(run, { extractUrlsWithoutProtocol: withoutScheme })) {
      ranges.push([index + indices[0], index + indices[1]]);
    }
  }
  return ranges;
}

function countChars(text: string, rules: ChannelTextRules): number {
  switch (rules.countBy) {
    case 'utf16':
      return text.length;
    case 'threads':
      return threadsCount(text);
    case 'graphemes':
      return MAY_JOIN.test(text) ? [...graphemes.segment(text)].length : codePoints(text);
    default:
      return codePoints(text);
  }
}

function threadsCount(text: string): number {
  const units = MAY_JOIN.test(text) ? [...graphemes.segment(text)].map((s) => s.segment) : [...text];
  let count = 0;
  for (const unit of units) count += EMOJI.test(unit) ? utf8Length(unit) : unit.length;
  return count;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}
