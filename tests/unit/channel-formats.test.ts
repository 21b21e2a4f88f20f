import twitterText from 'twitter-text';
import { describe, expect, it } from 'vitest';
import { firstSentence } from '../../functions/domain/release/first-sentence';
import {
  BLUESKY_RULES,
  checkText,
  formatSummary,
  LINKEDIN_RULES,
  MASTODON_RULES,
  textLength,
  THREADS_RULES,
  X_RULES,
  type ChannelTextRules,
} from '../../functions/domain/social/format-summary';
import type { SocialSummary } from '../../functions/domain/social/social-post';

// Each channel's count, written from its own documentation rather than from the code under test.
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });
const graphemesOf = (text: string) => [...graphemeSegmenter.segment(text)].map((s) => s.segment);
const codePoints = (text: string) => [...text].length;
const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

/** X: twitter-text's own verdict (weighted length, invalid characters, empty text). */
const xCount = (text: string) => twitterText.parseTweet(text).weightedLength;

/** Mastodon's StatusLengthValidator: URLs with a scheme become 23 characters, then graphemes are counted. */
function mastodonCount(text: string): number {
  let countable = '';
  let from = 0;
  for (const { indices } of twitterText.extractUrlsWithIndices(text, { extractUrlsWithoutProtocol: false })) {
    countable += text.slice(from, indices[0]) + 'x'.repeat(23);
    from = indices[1];
  }
  return graphemesOf(countable + text.slice(from)).length;
}

/** Threads: characters, an emoji counting its UTF-8 bytes. */
function threadsCount(text: string): number {
  return graphemesOf(text).reduce((n, g) => n + (/\p{Extended_Pictographic}|\p{Regional_Indicator}/u.test(g) ? utf8Bytes(g) : 1), 0);
}

const distinctLinks = (text: string) => new Set(twitterText.extractUrls(text)).size;

interface Channel {
  name: string;
  rules: ChannelTextRules;
  /** What the channel would object to, by its own count; empty when it takes the text. */
  problems(text: string): string[];
}

const CHANNELS: Channel[] = [
  {
    name: 'X',
    rules: X_RULES,
    problems: (text) => {
      const { weightedLength, valid } = twitterText.parseTweet(text);
      return valid ? [] : [`X refuses it (weighted length ${weightedLength})`];
    },
  },
  {
    name: 'Mastodon',
    rules: MASTODON_RULES,
    problems: (text) => (mastodonCount(text) > 500 ? [`${mastodonCount(text)} characters`] : []),
  },
  {
    name: 'Bluesky',
    rules: BLUESKY_RULES,
    problems: (text) => [
      ...(graphemesOf(text).length > 300 ? [`${graphemesOf(text).length} graphemes`] : []),
      ...(utf8Bytes(text) > 3000 ? [`${utf8Bytes(text)} bytes`] : []),
    ],
  },
  {
    name: 'LinkedIn',
    rules: LINKEDIN_RULES,
    problems: (text) => [
      ...(codePoints(text) > 3000 ? [`${codePoints(text)} code points`] : []),
      ...(text.length > 3000 ? [`${text.length} UTF-16 units`] : []),
    ],
  },
  {
    name: 'Threads',
    rules: THREADS_RULES,
    problems: (text) => [
      ...(threadsCount(text) > 500 ? [`${threadsCount(text)} characters`] : []),
      ...(codePoints(text) > 500 ? [`${codePoints(text)} code points`] : []),
      ...(distinctLinks(text) > 5 ? [`${distinctLinks(text)} links`] : []),
      ...((text.match(/(?:^|\s)#\p{L}/gu) ?? []).length > 1 ? ['more than one hashtag'] : []),
    ],
  },
];

const FAMILY = '👨‍👩‍👧‍👦'; // 7 code points, 25 UTF-8 bytes, one grapheme
const FLAGS = '🇫🇷🇯🇵🇧🇷';
const CODER = '👩🏽‍💻';
const KEYCAP = '1️⃣';

const TITLES: Record<string, string> = {
  plain: 'Pressroom 2.0 is out',
  accents: 'Crème brûlée et café: Ünïcödé in Łódź and Ålborg',
  decomposed: 'Cre\u0300me bru\u0302le\u0301e et cafe\u0301 au Bre\u0301sil',
  emoji: `${FAMILY} Family edition ${FLAGS} with ${CODER} and ${KEYCAP}`,
  cjk: '新機能のお知らせ：プレスルームの配信がさらに速くなりました',
  rtl: 'השקה חדשה של Pressroom — إطلاق جديد للمنصة',
  domains: 'Pressroom.io and README.md ship together on example.org',
  long: 'A very long release title that keeps going and going past any limit '.repeat(5),
  oneWord: 'Supercalifragilisticexpialidocious'.repeat(12),
  emojiWall: FAMILY.repeat(80),
  marks: 'Tiếng Việt có dấu và हिन्दी में समाचार',
};

const SUMMARIES: Record<string, string | undefined> = {
  none: undefined,
  short: 'Faster sends.',
  latin: 'Ça marche très bien, merci beaucoup pour votre patience. '.repeat(60),
  urls: `Read the notes at https://docs.example.com/${'x'.repeat(80)} and the guide at example.org/guide, then ${'more words here '.repeat(40)}`,
  manyLinks: Array.from({ length: 8 }, (_, i) => `See https://example.com/link/${i} now.`).join(' '),
  cjk: '新しいリリースを公開しました。詳細はこちらをご覧ください。'.repeat(40),
  emoji: `${FAMILY} ${FLAGS} ${CODER} ${KEYCAP} party `.repeat(60),
  emojiDense: `${FAMILY} `.repeat(250),
  rtl: 'מערכת חדשה לשליחת ניוזלטרים עם תמיכה מלאה בעברית. نظام جديد لإرسال النشرات. '.repeat(30),
  decomposed: 'Cafe\u0301 cre\u0300me bru\u0302le\u0301e, na\u0303o e\u0301 verdade. '.repeat(80),
  devanagari: 'हिन्दी में समाचार पत्र अब और तेज़ी से भेजे जाते हैं। '.repeat(30),
  controls: '\u202BRTL embedded\u202C text with \u200Fmarks\u200E and a BOM\uFEFF inside. '.repeat(30),
};

const URLS = [
  'https://example.com/releases/2-0',
  // Long, but short enough that Bluesky's 300 graphemes can hold it: a URL alone over the limit cannot fit.
  `https://example.com/releases/${'segment/'.repeat(18)}final?utm_source=pressroom&utm_medium=social#section`,
];

const THIRTY_TAGS = [
  'Press Releases',
  'Open Source',
  'Café Society',
  'C++',
  '2024',
  'Ünïcödé-2024',
  '日本語',
  'お知らせ',
  'עברית',
  'हिन्दी',
  'press releases',
  '!!!',
  'A'.repeat(60),
  'Tiếng Việt',
  '\u0301Accent first',
  ...Array.from({ length: 15 }, (_, i) => `Topic ${i} été`),
];

interface Case {
  name: string;
  summary: SocialSummary;
}

// Every title with every summary; URL and tags alternate so that each pairing meets both.
const CASES: Case[] = Object.entries(TITLES).flatMap(([titleName, title], i) =>
  Object.entries(SUMMARIES).map(([summaryName, summary], j) => ({
    name: `${titleName} title, ${summaryName} summary`,
    summary: {
      title,
      summary,
      url: URLS[(i + j) % 2],
      tags: (i * 3 + j) % 2 ? THIRTY_TAGS : [],
      language: 'en',
    },
  })),
);

/** What the formatter may show of a title or summary: NFC, without characters X refuses. */
const shown = (text: string) => text.normalize('NFC').replace(/[\uFEFF\uFFFE\uFFFF]/gu, '');

// The same titles and summaries come back for every channel; segmenting them once saves seconds.
const segmented = new Map<string, Set<number>>();
function boundaries(segmenter: Intl.Segmenter, text: string): Set<number> {
  const key = `${segmenter === wordSegmenter ? 'w' : 'g'}:${text}`;
  let found = segmented.get(key);
  if (!found) segmented.set(key, (found = new Set([...[...segmenter.segment(text)].map((s) => s.index), text.length])));
  return found;
}

const urlsFound = new Map<string, Array<[number, number]>>();
function urlRangesOf(text: string): Array<[number, number]> {
  let found = urlsFound.get(text);
  if (!found) {
    found = [
      ...[...text.matchAll(/https?:\/\/\S+/gu)].map((m): [number, number] => [m.index, m.index + m[0].length]),
      ...twitterText.extractUrlsWithIndices(text).map(({ indices }) => indices),
    ];
    urlsFound.set(text, found);
  }
  return found;
}

/**
 * `part` is `source` whole, or a prefix of it ending in `…`, cut between graphemes, outside any URL,
 * and (for `words`) where a word ends, give or take the spaces and list punctuation dropped before `…`.
 */
function expectWholeOrCut(part: string, source: string, { words, label }: { words: boolean; label: string }) {
  if (part === source) return;
  expect(part.endsWith('…'), `${label}: a cut ends in an ellipsis: ${JSON.stringify(part)}`).toBe(true);
  const head = part.slice(0, -1).replace(/ $/u, '');
  expect(source.startsWith(head), `${label}: the cut keeps the start of the text`).toBe(true);
  const cut = head.length;
  expect(boundaries(graphemeSegmenter, source).has(cut), `${label}: cut between graphemes at ${cut}`).toBe(true);
  expect(/^\p{M}/u.test(source.slice(cut)), `${label}: no mark left behind at ${cut}`).toBe(false);
  for (const [start, end] of urlRangesOf(source)) {
    expect(cut > start && cut < end, `${label}: cut inside ${source.slice(start, end)}`).toBe(false);
  }
  if (words) {
    const wordEnds = boundaries(wordSegmenter, source);
    let at = cut;
    while (!wordEnds.has(at) && /[\s,;:–—-]/u.test(source[at] ?? '')) at++;
    expect(wordEnds.has(at), `${label}: cut where a word ends, at ${cut}`).toBe(true);
  }
}

/** Everything a formatted post promises, checked by the channel's own rules. */
function expectGoodPost(channel: Channel, { name, summary }: Case, text: string) {
  const label = `${channel.name}, ${name}`;
  expect(channel.problems(text), label).toEqual([]);
  expect(/\p{Cs}/u.test(text), `${label}: no lone surrogate`).toBe(false);
  expect(text, `${label}: NFC`).toBe(text.normalize('NFC'));

  const paragraphs = text.split('\n\n');
  const urlAt = paragraphs.indexOf(summary.url);
  expect(urlAt, `${label}: the release URL whole, as its own paragraph`).toBeGreaterThanOrEqual(0);

  const title = shown(summary.title).replace(/\s+/gu, ' ').trim();
  const body = shown(summary.summary ?? '').trim();
  const [shownTitle, shownBody, ...extra] = paragraphs.slice(0, urlAt);
  expect(extra, label).toEqual([]);
  if (shownTitle !== undefined) expectWholeOrCut(shownTitle, title, { words: false, label: `${label} title` });
  if (shownBody !== undefined) {
    expect(shownTitle, `${label}: the title is cut only once the summary is gone`).toBe(title);
    expectWholeOrCut(shownBody, body, { words: true, label: `${label} summary` });
  }

  const [hashtagLine, ...after] = paragraphs.slice(urlAt + 1);
  expect(after, label).toEqual([]);
  if (hashtagLine !== undefined) {
    const hashtags = hashtagLine.split(' ');
    for (const hashtag of hashtags) {
      expect(hashtag, label).toMatch(/^#(?!\p{M})[\p{L}\p{M}\p{Nd}]*\p{L}[\p{L}\p{M}\p{Nd}]*$/u);
      if (channel.rules.maxHashtagLength !== undefined) {
        expect(codePoints(hashtag) - 1, label).toBeLessThanOrEqual(channel.rules.maxHashtagLength);
      }
    }
    expect(new Set(hashtags.map((h) => h.toLocaleLowerCase())).size, `${label}: no repeated hashtag`).toBe(hashtags.length);
    if (channel.rules === X_RULES) {
      expect(twitterText.extractHashtags(hashtagLine), `${label}: X links every hashtag`).toEqual(hashtags.map((h) => h.slice(1)));
    }
  }
}

describe.each(CHANNELS)('formatSummary for $name', (channel) => {
  it('fits by the channel’s own count and keeps URL, graphemes, words and hashtags whole, for every nasty input', () => {
    for (const testCase of CASES) expectGoodPost(channel, testCase, formatSummary(testCase.summary, channel.rules));
  });

  it('counts no less than the channel does, so nothing it refuses is taken for a fit', () => {
    for (const text of [...Object.values(TITLES), ...Object.values(SUMMARIES)]) {
      if (text === undefined) continue;
      const ours = textLength(text, channel.rules);
      if (channel.rules === X_RULES) expect(ours, text.slice(0, 40)).toBe(xCount(text));
      if (channel.rules === MASTODON_RULES) expect(ours, text.slice(0, 40)).toBeGreaterThanOrEqual(mastodonCount(text));
      if (channel.rules === BLUESKY_RULES) expect(ours, text.slice(0, 40)).toBe(graphemesOf(text).length);
      if (channel.rules === LINKEDIN_RULES) expect(ours, text.slice(0, 40)).toBeGreaterThanOrEqual(codePoints(text));
      if (channel.rules === THREADS_RULES) expect(ours, text.slice(0, 40)).toBeGreaterThanOrEqual(threadsCount(text));
    }
  });

  it('uses the room it has: a long summary is cut close to the limit', () => {
    const summary: SocialSummary = {
      title: 'Pressroom 2.0',
      summary: 'Ça marche très bien, merci pour votre patience. '.repeat(100),
      url: URLS[0],
      tags: [],
      language: 'fr',
    };
    const text = formatSummary(summary, channel.rules);
    expect(text).toContain('…');
    // No word in that summary is longer than 9 characters, so a cut leaves less than 12 unused.
    expect(textLength(text, channel.rules)).toBeGreaterThan(channel.rules.maxLength - 12);
  });
});

describe('X', () => {
  const summaryWith = (overrides: Partial<SocialSummary>): SocialSummary => ({
    title: 'Pressroom 2.0',
    url: URLS[0],
    tags: [],
    language: 'en',
    ...overrides,
  });

  it('counts each URL as 23, however long, so three long links still fit', () => {
    const links = [1, 2, 3].map((i) => `https://docs.example.com/${String(i).repeat(200)}`);
    const text = formatSummary(summaryWith({ summary: `Notes: ${links.join(' and ')}.` }), X_RULES);
    for (const link of links) expect(text).toContain(link);
    expect(text.length).toBeGreaterThan(600);
    expect(twitterText.parseTweet(text).valid).toBe(true);
  });

  it('counts CJK as two, so a Japanese summary keeps about half as many characters', () => {
    const body = '新しいリリースを公開しました。詳細はこちらをご覧ください。'.repeat(20);
    const text = formatSummary(summaryWith({ title: '新機能のお知らせ', summary: body }), X_RULES);
    const [, short] = text.split('\n\n');
    expect(short.endsWith('…')).toBe(true);
    expect(xCount(text)).toBeLessThanOrEqual(280);
    expect(xCount(text)).toBeGreaterThan(260);
    expect(codePoints(short)).toBeLessThan(130);
  });

  it('counts a domain without a scheme as a URL, as X links it', () => {
    const title = 'Pressroom.io and README.md and example.org ship';
    expect(textLength(title, X_RULES)).toBe(3 * 23 + ' and  and  ship'.length);
    const text = formatSummary(summaryWith({ title, summary: 'word '.repeat(100) }), X_RULES);
    expect(twitterText.parseTweet(text).valid).toBe(true);
    expect(text.startsWith(`${title}\n\n`)).toBe(true);
  });

  it('cuts a long title where a word ends, with an ellipsis', () => {
    const title = 'A very long release title that keeps going and going past any sensible limit '.repeat(5).trim();
    const text = formatSummary(summaryWith({ title, summary: undefined }), X_RULES);
    const [shortTitle, url] = text.split('\n\n');
    expect(url).toBe(URLS[0]);
    expect(shortTitle.endsWith('…')).toBe(true);
    expect(title[shortTitle.length - 1]).toBe(' ');
    expect(twitterText.parseTweet(text).valid).toBe(true);
  });
});

describe('Bluesky', () => {
  it('stops at 3000 bytes when emoji fill them before 300 graphemes', () => {
    const summary: SocialSummary = {
      title: 'Party',
      summary: `${FAMILY} `.repeat(250),
      url: URLS[0],
      tags: [],
      language: 'en',
    };
    const text = formatSummary(summary, BLUESKY_RULES);
    expect(utf8Bytes(text)).toBeLessThanOrEqual(3000);
    expect(utf8Bytes(text)).toBeGreaterThan(3000 - 30);
    expect(graphemesOf(text).length).toBeLessThan(300);
  });
});

describe('Threads', () => {
  const summaryWith = (overrides: Partial<SocialSummary>): SocialSummary => ({
    title: 'Pressroom 2.0',
    url: URLS[0],
    tags: [],
    language: 'en',
    ...overrides,
  });

  it('adds one hashtag, the first tag that makes one', () => {
    const text = formatSummary(summaryWith({ tags: ['2024', 'Press Releases', 'Open Source'] }), THREADS_RULES);
    expect(text.split('\n\n').at(-1)).toBe('#PressReleases');
  });

  it('counts emoji in UTF-8 bytes', () => {
    const text = formatSummary(summaryWith({ summary: '👍 '.repeat(200) }), THREADS_RULES);
    expect(threadsCount(text)).toBeLessThanOrEqual(500);
    expect(graphemesOf(text).length).toBeLessThan(250);
  });

  it('keeps to five links, the release URL among them', () => {
    const links = Array.from({ length: 8 }, (_, i) => `https://example.com/link/${i}`);
    const text = formatSummary(summaryWith({ summary: links.map((l) => `See ${l} now.`).join(' ') }), THREADS_RULES);
    expect(distinctLinks(text)).toBeLessThanOrEqual(5);
    expect(text.split('\n\n')).toContain(URLS[0]);
    expect(text).toContain(links[0]);
  });
});

describe('checkText refuses override text over each channel’s limit', () => {
  const link = `https://example.com/${'y'.repeat(300)}`;
  const cases: Array<[ChannelTextRules, string, boolean]> = [
    [X_RULES, '日'.repeat(140), true],
    [X_RULES, '日'.repeat(141), false],
    [X_RULES, `${'a'.repeat(256)} ${link}`, true],
    [X_RULES, `${'a'.repeat(257)} ${link}`, false],
    [X_RULES, `${'a'.repeat(257)} example.com`, false], // 269 characters, but 281 by X's count
    [X_RULES, `${FAMILY.repeat(140)}`, true],
    [X_RULES, `${FAMILY.repeat(141)}`, false],
    [X_RULES, 'Hello\uFEFF', false],
    [MASTODON_RULES, 'x'.repeat(500), true],
    [MASTODON_RULES, 'x'.repeat(501), false],
    [MASTODON_RULES, `${'x'.repeat(476)} ${link}`, true],
    [MASTODON_RULES, `${'x'.repeat(476)} http://localhost:3000/${'y'.repeat(30)}`, false], // Mastodon counts it in full
    [BLUESKY_RULES, 'e\u0301'.repeat(300), true],
    [BLUESKY_RULES, 'e\u0301'.repeat(301), false],
    [BLUESKY_RULES, FAMILY.repeat(120), true], // 3000 bytes
    [BLUESKY_RULES, FAMILY.repeat(121), false], // 121 graphemes, but 3025 bytes
    [LINKEDIN_RULES, 'a'.repeat(3000), true],
    [LINKEDIN_RULES, 'a'.repeat(3001), false],
    [LINKEDIN_RULES, '😀'.repeat(1500), true],
    [LINKEDIN_RULES, '😀'.repeat(1501), false],
    [THREADS_RULES, 'a'.repeat(500), true],
    [THREADS_RULES, 'a'.repeat(501), false],
    [THREADS_RULES, '😀'.repeat(125), true],
    [THREADS_RULES, '😀'.repeat(126), false],
    [THREADS_RULES, [1, 2, 3, 4, 5].map((i) => `https://example.com/${i}`).join(' '), true],
    [THREADS_RULES, [1, 2, 3, 4, 5, 6].map((i) => `https://example.com/${i}`).join(' '), false],
    [THREADS_RULES, Array.from({ length: 6 }, () => 'https://example.com/same').join(' '), true],
  ];

  it.each(cases.map(([rules, text, ok]) => [CHANNELS.find((c) => c.rules === rules)!.name, text, ok] as const))(
    '%s: %#',
    (name, text, ok) => {
      const rules = CHANNELS.find((c) => c.name === name)!.rules;
      expect(checkText(text, rules) === undefined).toBe(ok);
    },
  );

  it('refuses empty text everywhere', () => {
    for (const { rules } of CHANNELS) expect(checkText(' \n ', rules)).toBe('Text is empty');
  });

  it('agrees with each channel’s own count on the nasty inputs: whatever it accepts, the channel accepts', () => {
    // Most nasty inputs are too long for most channels, so each is also cut to the longest run of
    // whole graphemes that checkText accepts: every channel then meets every input at its limit.
    let compared = 0;
    for (const channel of CHANNELS) {
      for (const text of Object.values(SUMMARIES)) {
        if (text === undefined) continue;
        const graphemes = graphemesOf(text);
        let [low, high] = [0, graphemes.length];
        while (low < high) {
          const mid = Math.ceil((low + high) / 2);
          if (checkText(graphemes.slice(0, mid).join(''), channel.rules) === undefined) low = mid;
          else high = mid - 1;
        }
        const longestAccepted = graphemes.slice(0, low).join('');
        if (!longestAccepted.trim()) continue;
        expect(channel.problems(longestAccepted), `${channel.name}: ${longestAccepted.slice(0, 40)}`).toEqual([]);
        compared++;
      }
    }
    expect(compared).toBe(CHANNELS.length * Object.values(SUMMARIES).filter((t) => t?.trim()).length);
  });
});

describe('firstSentence', () => {
  it('stops at the first full stop that ends a sentence, not at an abbreviation', () => {
    expect(firstSentence('Dr. Smith met Mr. Jones at 3 p.m. today. It went well.', 'en')).toBe(
      'Dr. Smith met Mr. Jones at 3 p.m. today.',
    );
    expect(firstSentence('Version 2.0 is out, e.g. for you. More soon.', 'en')).toBe('Version 2.0 is out, e.g. for you.');
    expect(firstSentence('Gov. Newsom and Prof. Lee signed it. Then more.', 'en')).toBe('Gov. Newsom and Prof. Lee signed it.');
  });

  it('follows the language’s own sentence ends', () => {
    expect(firstSentence('新しいリリースを公開しました。詳細はこちら。', 'ja')).toBe('新しいリリースを公開しました。');
    expect(firstSentence('هذا إصدار جديد. المزيد قريبا.', 'ar')).toBe('هذا إصدار جديد.');
  });

  it('ends at a line break and collapses whitespace', () => {
    expect(firstSentence('\n\n  Faster   sends\nfor everyone. Really.')).toBe('Faster sends');
  });

  it('takes the whole text when nothing ends it, and nothing from blank text', () => {
    expect(firstSentence('No full stop here', 'en')).toBe('No full stop here');
    expect(firstSentence(' \n\t ')).toBeUndefined();
  });

  it('falls back to default rules for a malformed language tag', () => {
    expect(firstSentence('One. Two.', 'not a language!')).toBe('One.');
  });
});
