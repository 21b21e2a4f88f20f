import { describe, expect, it } from 'vitest';
import {
  checkDiscordText,
  checkSlackText,
  discordMessage,
  DISCORD_LIMITS,
  escapeDiscord,
  shorten,
  slackMessage,
  SLACK_LIMITS,
  type SlackBlock,
} from '../../functions/domain/social/rich-summary';
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

/** The output is a prefix of `input` made of whole graphemes, then `…`. */
function expectCutOf(output: string, input: string) {
  expect(output.endsWith('…')).toBe(true);
  const head = output.slice(0, -1);
  expect(input.startsWith(head)).toBe(true);
  const inputGraphemes = graphemesOf(input);
  expect(graphemesOf(head)).toEqual(inputGraphemes.slice(0, graphemesOf(head).length));
}

const textOf = (block: SlackBlock | undefined) => (block && 'text' in block ? block.text.text : undefined);

describe('slackMessage', () => {
  it('lays out header, plain summary, link and tags', () => {
    const message = slackMessage(summaryWith());
    expect(message.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: 'Pressroom 2.0 is out', emoji: true } },
      { type: 'section', text: { type: 'plain_text', text: 'Faster sends and a local channel for development.', emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: '<https://example.com/releases/2-0>' } },
      { type: 'context', elements: [{ type: 'plain_text', text: 'Press Releases · Open Source', emoji: true }] },
    ]);
    expect(message.text).toBe(
      'Pressroom 2.0 is out\n\nFaster sends and a local channel for development.\n\nhttps://example.com/releases/2-0',
    );
  });

  it('leaves out an empty summary and missing tags', () => {
    const { blocks } = slackMessage(summaryWith({ summary: '  ', tags: [] }));
    expect(blocks.map((b) => b.type)).toEqual(['header', 'section']);
  });

  it('shortens a long title to the 150-character header at a word boundary', () => {
    const title = 'A release title that goes on '.repeat(10).trim();
    const header = textOf(slackMessage(summaryWith({ title })).blocks[0])!;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect(header.length).toBeGreaterThan(SLACK_LIMITS.header - 15);
    expectCutOf(header, title);
    expect(header).toMatch(/\S…$/); // no dangling space before the ellipsis
    expect(title.split(' ')).toContain(header.slice(0, -1).split(' ').at(-1)); // ends on a whole word
  });

  it('never splits an emoji sequence when the title is made of them', () => {
    const title = '👨‍👩‍👧‍👦🇫🇷'.repeat(40); // 11 + 4 UTF-16 units per pair, no word breaks
    const header = textOf(slackMessage(summaryWith({ title })).blocks[0])!;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expectCutOf(header, title);
  });

  it('cuts CJK text without spaces at a word boundary within the limit', () => {
    const title = '新しいリリースでは配信がより速くなりました'.repeat(10);
    const header = textOf(slackMessage(summaryWith({ title })).blocks[0])!;
    expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
    expect(header.length).toBeGreaterThan(SLACK_LIMITS.header - 10);
    expectCutOf(header, title);
  });

  it('keeps the summary section within 3000 characters', () => {
    const summary = 'Sends are faster now. '.repeat(200).trim();
    const section = textOf(slackMessage(summaryWith({ summary })).blocks[1])!;
    expect(section.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    expectCutOf(section, summary);
  });

  it("escapes &, < and > in staff's own text and puts it first, the card following", () => {
    const own = 'Big news <!channel> & more > less';
    const message = slackMessage(summaryWith(), own);
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: 'Big news &lt;!channel&gt; &amp; more &gt; less' },
    });
    expect(message.blocks.slice(1).map((b) => b.type)).toEqual(['header', 'section', 'section', 'context']);
    expect(message.text).toBe('Big news &lt;!channel&gt; &amp; more &gt; less');
  });

  it('escapes the release URL inside the link so it cannot end or relabel it', () => {
    const { blocks } = slackMessage(summaryWith({ url: 'https://example.com/r?a=1&b=<2>|x' }));
    expect(textOf(blocks[2])).toBe('<https://example.com/r?a=1&amp;b=%3C2%3E%7Cx>');
  });

  it('keeps the escaped fallback text within 3000 characters', () => {
    const summary = '&&&& '.repeat(1000);
    const { text } = slackMessage(summaryWith({ summary }));
    expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    expect(text).toContain('&amp;');
    expect(text).not.toMatch(/&(?!amp;|lt;|gt;)/); // no entity cut in half
  });

  it('keeps whole tags only, dropping repeats and those past the limit', () => {
    const tags = ['Release', 'release', ...Array.from({ length: 400 }, (_, i) => `Tag number ${i}`)];
    const [context] = slackMessage(summaryWith({ tags })).blocks.filter((b) => b.type === 'context');
    const line = context.type === 'context' ? context.elements[0].text : '';
    expect(line.length).toBeLessThanOrEqual(SLACK_LIMITS.text);
    const kept = line.split(' · ');
    expect(kept[0]).toBe('Release');
    expect(kept[1]).toBe('Tag number 0');
    expect(kept.slice(1)).toEqual(kept.slice(1).map((_, i) => `Tag number ${i}`));
    expect(kept.length).toBeGreaterThan(100);
  });
});

describe('discordMessage', () => {
  it('builds one linked embed with the summary, the tags as footer and the image', () => {
    const message = discordMessage(summaryWith({ imageUrl: 'https://example.com/cover.png' }));
    expect(message).toEqual({
      embeds: [
        {
          title: 'Pressroom 2.0 is out',
          url: 'https://example.com/releases/2-0',
          description: 'Faster sends and a local channel for development.',
          footer: { text: 'Press Releases · Open Source' },
          image: { url: 'https://example.com/cover.png' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it("puts staff's own text in the content, unchanged, above the embed", () => {
    const message = discordMessage(summaryWith(), 'Hello @everyone, **new release**');
    expect(message.content).toBe('Hello @everyone, **new release**');
    expect(message.allowed_mentions).toEqual({ parse: [] });
    expect(message.embeds).toHaveLength(1);
  });

  it('escapes markdown so a summary shows as written', () => {
    const { embeds } = discordMessage(
      summaryWith({ title: 'snake_case *stars*', summary: '# Not a heading\n- not a list\nuse `code` or <@123> ~~x~~' }),
    );
    expect(embeds[0].title).toBe('snake\\_case \\*stars\\*');
    expect(embeds[0].description).toBe('\\# Not a heading\n\\- not a list\nuse \\`code\\` or \\<@123> \\~\\~x\\~\\~');
  });

  it('keeps every field and the embed total within the limits for huge input', () => {
    const title = 'Ünïcödé title 👩🏽‍💻 '.repeat(40);
    const message = discordMessage(
      summaryWith({
        title,
        summary: 'Long_summary with *marks* and 中文字符 '.repeat(400),
        tags: Array.from({ length: 500 }, (_, i) => `tag_${i}`),
      }),
    );
    const [embed] = message.embeds;
    expect(embed.title.length).toBeLessThanOrEqual(DISCORD_LIMITS.title);
    expect(embed.description!.length).toBeLessThanOrEqual(DISCORD_LIMITS.description);
    expect(embed.footer!.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.footer);
    expect(embed.title.length + embed.description!.length + embed.footer!.text.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(embed.title.endsWith('…')).toBe(true);
    expect(embed.description!.endsWith('…')).toBe(true);
    expect(embed.description!.length).toBeGreaterThan(3000); // the room left is used, not wasted
    // A cut never leaves half an escape or half a grapheme behind.
    expect(embed.description).not.toMatch(/\\…$/);
    expectCutOf(embed.title, title.trim());
  });
});

describe('checks for staff text', () => {
  it('refuses empty text on both', () => {
    expect(checkSlackText('  \n')).toBe('Text is empty');
    expect(checkDiscordText('')).toBe('Text is empty');
  });

  it('counts Slack text as escaped, since that is what the section holds', () => {
    expect(checkSlackText('a'.repeat(3000))).toBeUndefined();
    expect(checkSlackText(`${'a'.repeat(2996)}&`)).toBe('Text is 3001 characters, over 3000');
  });

  it('holds Discord content to 2000, counting UTF-16 units so astral characters are not under-counted', () => {
    expect(checkDiscordText('x'.repeat(2000))).toBeUndefined();
    expect(checkDiscordText('x'.repeat(2001))).toBe('Text is 2001 characters, over 2000');
    expect(checkDiscordText('😀'.repeat(1001))).toBe('Text is 2002 characters, over 2000');
  });
});

describe('shorten', () => {
  it('returns the text when it fits and an empty string when not even one grapheme does', () => {
    expect(shorten('short', 5)).toBe('short');
    expect(shorten('longer', 1)).toBe('');
    expect(shorten('longer', 2)).toBe('l…');
  });

  it('never splits a surrogate pair, with or without joiners in the text', () => {
    expect(shorten('😀'.repeat(10), 5)).toBe('😀😀…');
    expect(shorten('😀'.repeat(10), 6)).toBe('😀😀…');
    expect(shorten('👍🏽'.repeat(10), 6)).toBe('👍🏽…');
  });

  it('falls back to a grapheme cut for one word longer than the limit', () => {
    const word = 'Donaudampfschifffahrtsgesellschaft';
    expect(shorten(word, 10)).toBe('Donaudamp…');
  });

  it('measures with the given function, e.g. after escaping', () => {
    const text = 'a_b_c_d_e_f';
    const cut = shorten(text, 8, (t) => escapeDiscord(t).length);
    expect(escapeDiscord(cut).length).toBeLessThanOrEqual(8);
    expectCutOf(cut, text);
  });
});
