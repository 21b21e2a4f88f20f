/**
 * Bluesky rich text: a post's links and hashtags are not markup in the text but `app.bsky.richtext.facet`
 * annotations beside it, each pointing at a range of the text's UTF-8 bytes.
 */

/** A range of the UTF-8 encoded text: `byteStart` inclusive, `byteEnd` exclusive. */
export interface ByteSlice {
  byteStart: number;
  byteEnd: number;
}

export interface LinkFeature {
  $type: 'app.bsky.richtext.facet#link';
  uri: string;
}

export interface TagFeature {
  $type: 'app.bsky.richtext.facet#tag';
  /** The tag without its `#`. */
  tag: string;
}

/** One `app.bsky.richtext.facet`: what a range of the text is. */
export interface Facet {
  index: ByteSlice;
  features: (LinkFeature | TagFeature)[];
}

// The lexicon's limits on `app.bsky.richtext.facet#tag`: maxGraphemes 64, maxLength 640 (UTF-8 bytes).
const TAG_MAX_GRAPHEMES = 64;
const TAG_MAX_BYTES = 640;

// A URL starts the text, follows a space or an opening bracket (as Bluesky's own detection requires),
// and runs to the next space.
const URL_PATTERN = /(?<=^|[\s([{<"'“‘«])https?:\/\/\S+/giu;
// Punctuation that ends a sentence or a quotation rather than the URL.
const URL_TRAILING = /[.,;:!?'"”’»…]$/u;
const CLOSING_BRACKETS: Record<string, string> = { ')': '(', ']': '[', '}': '{', '>': '<' };

// Zero-width and soft-hyphen characters end a tag as a space does (Bluesky's TAG_REGEX treats them so).
const TAG_PATTERN = /(?<=^|\s)[#＃]([^\s\u00AD\u2060\u200A-\u200D\u20E2]*)/gu;
const TRAILING_PUNCTUATION = /\p{P}+$/u;
// A tag needs one character that is not a digit or punctuation: `#2024` and `#1.5` are not tags.
const TAG_WORDISH = /[^\d\p{P}]/u;

const encoder = new TextEncoder();
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The link and hashtag facets of a Bluesky post's final text, in text order: every `http(s)://` URL
 * (trailing sentence punctuation and unbalanced closing brackets left out) and every `#tag` that
 * starts the text or follows a space (trailing punctuation left out; not only digits; at most 64
 * graphemes). Offsets count UTF-8 bytes, as the lexicon requires; JavaScript indexes UTF-16 units.
 *
 * @example
 * blueskyFacets('Café ☕ https://example.com/r/1 #Release');
 * // [
 * //   { index: { byteStart: 10, byteEnd: 33 }, features: [{ $type: 'app.bsky.richtext.facet#link', uri: 'https://example.com/r/1' }] },
 * //   { index: { byteStart: 34, byteEnd: 42 }, features: [{ $type: 'app.bsky.richtext.facet#tag', tag: 'Release' }] },
 * // ]
 */
export function blueskyFacets(text: string): Facet[] {
  const links = [...linksIn(text)];
  const insideLink = (start: number, end: number) => links.some((link) => start < link.end && link.start < end);
  // A tag runs to the next space, so `#a(https://…` would overlap the link: the link wins.
  const tags = [...tagsIn(text)].filter((tag) => !insideLink(tag.start, tag.end));

  return [...links, ...tags]
    .sort((a, b) => a.start - b.start)
    .map(({ start, end, feature }) => ({
      index: { byteStart: utf8Length(text.slice(0, start)), byteEnd: utf8Length(text.slice(0, end)) },
      features: [feature],
    }));
}

interface Found<F> {
  /** UTF-16 offsets into the text. */
  start: number;
  end: number;
  feature: F;
}

function* linksIn(text: string): Generator<Found<LinkFeature>> {
  for (const match of text.matchAll(URL_PATTERN)) {
    const uri = trimUrl(match[0]);
    if (!URL.canParse(uri) || !new URL(uri).hostname) continue;
    yield { start: match.index, end: match.index + uri.length, feature: { $type: 'app.bsky.richtext.facet#link', uri } };
  }
}

/** `https://a.example/x).` → `https://a.example/x`, but `…/Foo_(bar)` keeps its bracket. */
function trimUrl(url: string): string {
  for (;;) {
    const last = url.at(-1) ?? '';
    const opening = CLOSING_BRACKETS[last];
    const unbalanced = opening !== undefined && count(url, last) > count(url, opening);
    if (!URL_TRAILING.test(url) && !unbalanced) return url;
    url = url.slice(0, -1);
  }
}

function* tagsIn(text: string): Generator<Found<TagFeature>> {
  for (const match of text.matchAll(TAG_PATTERN)) {
    const tag = match[1].replace(TRAILING_PUNCTUATION, '');
    // U+FE0F after `#` is the keycap emoji #️⃣, not a tag.
    if (!tag || tag.startsWith('\uFE0F') || !TAG_WORDISH.test(tag)) continue;
    if ([...graphemes.segment(tag)].length > TAG_MAX_GRAPHEMES || utf8Length(tag) > TAG_MAX_BYTES) continue;
    // `#` and `＃` are both one UTF-16 unit.
    yield { start: match.index, end: match.index + 1 + tag.length, feature: { $type: 'app.bsky.richtext.facet#tag', tag } };
  }
}

function count(text: string, char: string): number {
  return text.split(char).length - 1;
}

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}
