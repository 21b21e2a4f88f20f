import { describe, expect, it } from 'vitest';
import {
  formatSummary,
  LOCAL_RULES,
  MASTODON_RULES,
  textLength,
  type ChannelTextRules,
} from '../../functions/domain/social/format-summary';
import type { SocialSummary } from '../../functions/domain/social/social-post';

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemesOf = (text: string) => [...graphemes.segment(text)].map((s) => s.segment);

function summaryWith(overrides: Partial<SocialSummary> = {}): SocialSummary {
  return {
    title: 'Pressroom 2.0 is out',
    summary: 'Faster sends and a local channel for development.',
    url: 'https://example.com/releases/2-0',
    tags: ['Press Releases', 'Open Source'],
    language: 'en',
    ...overrides,
  };
}

/**
 * Every grapheme of the output is a whole grapheme of the input (or the ellipsis/layout we add). The
 * output is in NFC, so the input is compared in NFC too.
 */
function expectWholeGraphemes(output: string, ...inputs: string[]) {
  expect(output).toBe(output.normalize('NFC'));
  const allowed = new Set([...inputs.map((i) => i.normalize('NFC')).flatMap(graphemesOf), '…', '\n', ' ', '#']);
  for (const g of graphemesOf(output)) expect(allowed.has(g), `unexpected grapheme ${JSON.stringify(g)}`).toBe(true);
}

describe('textLength', () => {
  it('counts every URL as urlLength when the channel sets one', () => {
    const url = `https://example.com/${'a'.repeat(200)}`;
    expect(textLength(`Read ${url}`, MASTODON_RULES)).toBe(5 + 23);
    expect(textLength(`Read ${url}`, LOCAL_RULES)).toBe(5 + url.length);
  });

  it('leaves trailing punctuation out of the URL, so it counts on its own', () => {
    expect(textLength('See https://example.com/a.', MASTODON_RULES)).toBe(4 + 23 + 1);
  });

  it('counts code points or graphemes as the rules say', () => {
    const family = '👨‍👩‍👧‍👦'; // 7 code points, 1 grapheme
    const flag = '🇫🇷'; // 2 code points, 1 grapheme
    const decomposed = 'cafe\u0301'; // 5 code points, 4 graphemes
    expect(textLength(family + flag + decomposed, MASTODON_RULES)).toBe(7 + 2 + 5);
    expect(textLength(family + flag + decomposed, LOCAL_RULES)).toBe(1 + 1 + 4);
  });
});

describe('formatSummary', () => {
  it('lays out title, summary, URL and hashtags as paragraphs', () => {
    expect(formatSummary(summaryWith(), MASTODON_RULES)).toBe(
      'Pressroom 2.0 is out\n\nFaster sends and a local channel for development.\n\nhttps://example.com/releases/2-0\n\n#PressReleases #OpenSource',
    );
  });

  it('leaves out a missing summary and, when the channel has none, hashtags', () => {
    const text = formatSummary(summaryWith({ summary: undefined }), { ...MASTODON_RULES, hashtags: false });
    expect(text).toBe('Pressroom 2.0 is out\n\nhttps://example.com/releases/2-0');
  });

  it('makes hashtags of letters and digits, keeping diacritics and dropping empty or repeated tags', () => {
    const text = formatSummary(
      summaryWith({ tags: ['Press Releases', 'Café Society', 'C++', 'Ünïcödé-2024', '!!!', '2024', 'press releases', '日本語'] }),
      MASTODON_RULES,
    );
    expect(text.split('\n\n').at(-1)).toBe('#PressReleases #CaféSociety #C #Ünïcödé2024 #日本語');
  });

  it('drops hashtags from the end first', () => {
    const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength: 120 };
    const summary = summaryWith({ tags: ['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'] });
    const text = formatSummary(summary, rules);
    expect(text).toContain(summary.summary);
    expect(text.split('\n\n').at(-1)).toMatch(/^#One #Two( #\w+)*$/);
    expect(text).not.toContain('#Ten');
    expect(textLength(text, rules)).toBeLessThanOrEqual(120);
  });

  it('then shortens the summary at a word boundary, keeping the title and URL', () => {
    const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength: 100 };
    const text = formatSummary(summaryWith(), rules);
    const [title, body, url, ...rest] = text.split('\n\n');
    expect(title).toBe('Pressroom 2.0 is out');
    expect(url).toBe('https://example.com/releases/2-0');
    expect(rest).toEqual([]);
    expect(body).toMatch(/^Faster sends and a local( channel)?( for)?…$/);
    expect(textLength(text, rules)).toBeLessThanOrEqual(100);
  });

  it('then shortens the title, once the summary is gone', () => {
    const rules: ChannelTextRules = { ...MASTODON_RULES, maxLength: 60 };
    const title = 'A very long release title that keeps going and going well past any sensible length';
    const text = formatSummary(summaryWith({ title }), rules);
    const [shortTitle, url, ...rest] = text.split('\n\n');
    expect(rest).toEqual([]);
    expect(url).toBe('https://example.com/releases/2-0');
    expect(shortTitle.endsWith('…')).toBe(true);
    expect(title.startsWith(shortTitle.slice(0, -1))).toBe(true);
    expect(title[shortTitle.length - 1]).toBe(' '); // cut where a word ended
    const nextWord = title.slice(shortTitle.length).split(' ')[0];
    expect(textLength(text, rules)).toBeLessThanOrEqual(60);
    expect(textLength(text, rules) + 1 + nextWord.length).toBeGreaterThan(60); // the next word would not have fitted
  });

  it('keeps a very long URL whole and counts it as 23 on Mastodon', () => {
    const url = `https://example.com/releases/${'segment/'.repeat(120)}final`;
    const text = formatSummary(summaryWith({ url, summary: 'word '.repeat(200) }), MASTODON_RULES);
    expect(text).toContain(`\n\n${url}`);
    expect(textLength(text, MASTODON_RULES)).toBeLessThanOrEqual(500);
    expect(text.length).toBeGreaterThan(1000);
  });

  it('never cuts a URL that sits inside the summary', () => {
    const inner = `https://docs.example.com/${'x'.repeat(60)}`;
    const body = `Read the notes at ${inner} and then ${'more words '.repeat(40)}`;
    for (const maxLength of [60, 70, 80, 90, 100, 120]) {
      const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength };
      const text = formatSummary(summaryWith({ summary: body, tags: [] }), rules);
      const urls = text.match(/https?:\/\/\S+/g) ?? [];
      for (const url of urls) expect([inner, 'https://example.com/releases/2-0']).toContain(url);
      expect(textLength(text, rules)).toBeLessThanOrEqual(maxLength);
    }
  });

  it('does not glue the ellipsis onto a URL it cut after', () => {
    const inner = 'https://docs.example.com/notes';
    // 56 for title, URL and paragraphs leaves 37: room for `See <url> …` (36) but not `See <url> and…` (39).
    const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength: 93 };
    const text = formatSummary(summaryWith({ summary: `See ${inner} ${'and more words '.repeat(10)}`, tags: [] }), rules);
    expect(text).toContain(`See ${inner} …`);
  });

  it('never breaks an emoji, flag or accented letter at the cut', () => {
    const family = '👨‍👩‍👧‍👦';
    const flag = '🇫🇷';
    const accent = 'e\u0301';
    const body = [family, flag, `cafe${accent}`, family + flag, `${flag}${family}${accent}`].join(' ').repeat(40);
    const title = `${family}${flag} Fête${accent} ${family}`.repeat(30);
    for (const rules of [MASTODON_RULES, LOCAL_RULES]) {
      for (const maxLength of [40, 41, 42, 43, 57, 99, 100, 101, 250]) {
        const r = { ...rules, maxLength };
        for (const summary of [summaryWith({ summary: body }), summaryWith({ title, summary: undefined })]) {
          const text = formatSummary(summary, r);
          expect(textLength(text, r)).toBeLessThanOrEqual(maxLength);
          expectWholeGraphemes(text, summary.title, summary.summary ?? '', summary.url);
        }
      }
    }
  });

  it('cuts a title of one enormous word between graphemes', () => {
    const title = '🇯🇵'.repeat(400);
    const text = formatSummary(summaryWith({ title, summary: undefined }), MASTODON_RULES);
    const [shortTitle] = text.split('\n\n');
    expect(shortTitle).toMatch(/^(🇯🇵)+…$/u);
    expect(textLength(text, MASTODON_RULES)).toBeLessThanOrEqual(500);
    expect(textLength(text, MASTODON_RULES)).toBeGreaterThanOrEqual(498);
  });

  it('shortens CJK text at word boundaries', () => {
    const body = '新しいリリースを公開しました。詳細はこちらをご覧ください。'.repeat(20);
    const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength: 80 };
    const text = formatSummary(summaryWith({ title: '新機能のお知らせ', summary: body, tags: ['お知らせ'] }), rules);
    const [, short] = text.split('\n\n');
    expect(short.endsWith('…')).toBe(true);
    expect(body.startsWith(short.slice(0, -1))).toBe(true);
    expect(textLength(text, rules)).toBeLessThanOrEqual(80);
  });

  it('drops the summary rather than keep a fragment of its first word', () => {
    const rules: ChannelTextRules = { ...LOCAL_RULES, maxLength: 60 };
    const text = formatSummary(summaryWith({ summary: `Supercalifragilistic${'x'.repeat(40)} is the word` }), rules);
    expect(text).toBe('Pressroom 2.0 is out\n\nhttps://example.com/releases/2-0');
  });

  it('stays within the limit for any limit, any script and any number of tags', () => {
    const titles = ['Pressroom', 'Crème brûlée recipes for everyone', '新機能のお知らせ '.repeat(20), '👩🏽‍💻 '.repeat(100)];
    const bodies = [undefined, 'Short.', 'Ça marche très bien, merci. '.repeat(30), '🇫🇷🇯🇵 日本語とEnglish mixed. '.repeat(25)];
    const tags = Array.from({ length: 60 }, (_, i) => `Tag Number ${i} été`);
    for (const rules of [MASTODON_RULES, LOCAL_RULES]) {
      for (const maxLength of [60, 280, 500]) {
        const r = { ...rules, maxLength };
        for (const title of titles) {
          for (const summary of bodies) {
            const text = formatSummary(summaryWith({ title, summary, tags }), r);
            expect(textLength(text, r)).toBeLessThanOrEqual(maxLength);
            expect(text).toContain('https://example.com/releases/2-0');
          }
        }
      }
    }
  });
});
