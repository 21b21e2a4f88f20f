import { RichText } from '@atproto/api';
import { describe, expect, it } from 'vitest';
import { blueskyFacets, type Facet } from '../../functions/domain/social/bluesky-facets';
import { BLUESKY_RULES, formatSummary } from '../../functions/domain/social/format-summary';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What each facet points at, read the way Bluesky reads it: by slicing the UTF-8 bytes. */
function slices(text: string, facets: Facet[]): string[] {
  const bytes = encoder.encode(text);
  return facets.map(({ index }) => decoder.decode(bytes.slice(index.byteStart, index.byteEnd)));
}

const link = (uri: string) => ({ $type: 'app.bsky.richtext.facet#link', uri });
const tag = (name: string) => ({ $type: 'app.bsky.richtext.facet#tag', tag: name });

/**
 * @atproto/api's own detection, as an independent oracle: only its link and `#tag` facets (it also
 * finds mentions, bare domains and `$cashtags`, which Pressroom's text does not use).
 */
function oracle(text: string) {
  const rt = new RichText({ text });
  rt.detectFacetsWithoutResolution();
  const found = (rt.facets ?? []).map(({ index, features }) => ({
    index: { byteStart: index.byteStart, byteEnd: index.byteEnd },
    features: features.map((f) => f as { $type: string; uri?: string; tag?: string }),
  }));
  return found
    .filter(({ features }) => features.every((f) => f.$type === 'app.bsky.richtext.facet#link' || (f.$type === 'app.bsky.richtext.facet#tag' && !f.tag?.startsWith('$'))))
    .map(({ index, features }) => ({ index, features: features.map((f) => (f.uri !== undefined ? link(f.uri) : tag(f.tag ?? ''))) }))
    .sort((a, b) => a.index.byteStart - b.index.byteStart);
}

describe('blueskyFacets', () => {
  it('counts UTF-8 bytes, not UTF-16 units, when emoji, accents and CJK come before the facets', () => {
    // Given text whose characters take 1 to 4 UTF-8 bytes and 1 or 2 UTF-16 units
    const text = 'Café ☕ déjà vu 🎉👩🏽‍💻 新しいリリース https://example.com/r/1 #Lanzamiento #日本語';

    // When the facets are derived
    const facets = blueskyFacets(text);

    // Then every range, sliced from the UTF-8 bytes, is exactly the URL or the #tag
    expect(slices(text, facets)).toEqual(['https://example.com/r/1', '#Lanzamiento', '#日本語']);
    expect(facets.map((f) => f.features)).toEqual([[link('https://example.com/r/1')], [tag('Lanzamiento')], [tag('日本語')]]);
    // 'Café ☕ ' is 7 UTF-16 units but 10 bytes: a UTF-16 offset would be visibly wrong
    expect(blueskyFacets('Café ☕ #tag')[0].index).toEqual({ byteStart: 10, byteEnd: 14 });
  });

  it('matches the documented example', () => {
    expect(blueskyFacets('Café ☕ https://example.com/r/1 #Release')).toEqual([
      { index: { byteStart: 10, byteEnd: 33 }, features: [link('https://example.com/r/1')] },
      { index: { byteStart: 34, byteEnd: 42 }, features: [tag('Release')] },
    ]);
  });

  it('agrees with @atproto/api’s own detection on links and hashtags', () => {
    const texts = [
      'Pressroom 2.0 is out\n\nFaster sends.\n\nhttps://example.com/releases/2-0\n\n#PressReleases #OpenSource',
      'Ünïcödé ✨ everywhere: https://example.com/ü/ß?q=1&r=2#frag and #Ünïcode',
      '👨‍👩‍👧‍👦 family https://example.com/a. Then (https://example.com/b) and #tag!',
      '中文字符 https://例え.jp/パス #中文 #한국어 ＃全角',
      'See https://en.wikipedia.org/wiki/Foo_(bar) or #1st, not #2024',
      'Trailing #punctuation... and #question? #a_b #x-y',
      'URL fragments https://example.com/#not-a-tag, C#, a#b and #️⃣ are not tags',
      'Start #one\n#two\ttab #three',
      // A zero-width joiner ends a tag, as Bluesky's detection has it
      'Family #👨‍👩‍👧‍👦 time',
      'http://plain.example/path?x=1, then more',
      'Nothing to see here',
    ];
    for (const text of texts) {
      expect(blueskyFacets(text), text).toEqual(oracle(text));
    }
  });

  it('leaves trailing sentence punctuation and unbalanced brackets out of links, keeping balanced ones', () => {
    const text = 'Read https://example.com/a. Or (https://example.com/b). Or https://example.com/wiki/Foo_(bar)! Or “https://example.com/c”';
    expect(slices(text, blueskyFacets(text))).toEqual([
      'https://example.com/a',
      'https://example.com/b',
      'https://example.com/wiki/Foo_(bar)',
      'https://example.com/c',
    ]);
  });

  it('only links http(s) URLs with a host that start a word', () => {
    expect(blueskyFacets('ftp://example.com mailto:a@example.com example.com https:// https://.')).toEqual([]);
    expect(slices('x https://example.com/a,https://example.com/b', blueskyFacets('x https://example.com/a,https://example.com/b'))).toEqual([
      'https://example.com/a,https://example.com/b',
    ]);
  });

  it('applies the tag rules: not only digits, trailing punctuation excluded, after a space, at most 64 graphemes', () => {
    const text = '#2024 #1st #launch! #v2.0. C#sharp #café… (#bracketed) #';
    expect(blueskyFacets(text).map((f) => f.features[0])).toEqual([tag('1st'), tag('launch'), tag('v2.0'), tag('café')]);

    const longest = `#${'a'.repeat(64)}`;
    expect(blueskyFacets(longest).map((f) => f.features[0])).toEqual([tag('a'.repeat(64))]);
    expect(blueskyFacets(`#${'a'.repeat(65)}`)).toEqual([]);
  });

  it('counts a tag’s length in graphemes and bytes as the lexicon does (64 graphemes, 640 bytes)', () => {
    // 64 flags: 64 graphemes but 128 UTF-16 units (Bluesky's client would drop it; the lexicon allows it)
    const flags = '🇫🇷'.repeat(64);
    expect(blueskyFacets(`#${flags}`).map((f) => f.features[0])).toEqual([tag(flags)]);
    expect(blueskyFacets(`#${flags}🇫🇷`)).toEqual([]);
    // Scotland's flag is one grapheme of 28 bytes: 22 fit in 640 bytes, 23 do not
    const scotland = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
    expect(blueskyFacets(`#${scotland.repeat(22)}`).map((f) => f.features[0])).toEqual([tag(scotland.repeat(22))]);
    expect(blueskyFacets(`#${scotland.repeat(23)}`)).toEqual([]);
  });

  it('lets a link win over a tag that runs into it', () => {
    const text = '#a(https://example.com/x)';
    expect(blueskyFacets(text).map((f) => f.features[0])).toEqual([link('https://example.com/x')]);
  });

  it('finds the release URL and every hashtag in a formatted Bluesky summary', () => {
    // Given a summary formatted within Bluesky's rules
    const text = formatSummary(
      {
        title: 'Nouveautés 🚀 de l’été',
        summary: 'Déjà disponible : envois plus rapides, 日本語 support.',
        url: 'https://example.com/releases/été-2030',
        tags: ['Press Releases', 'Été', 'Open Source'],
        language: 'fr',
      },
      BLUESKY_RULES,
    );

    // Then the facets point at the URL and the hashtags, as @atproto/api would find them
    const facets = blueskyFacets(text);
    expect(slices(text, facets)).toEqual(['https://example.com/releases/été-2030', '#PressReleases', '#Été', '#OpenSource']);
    expect(facets).toEqual(oracle(text));
  });
});
