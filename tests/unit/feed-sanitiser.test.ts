import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed as parseXmlFeed } from '@rowanmanning/feed-parser';
import { describe, expect, it } from 'vitest';
import { sanitiseReleaseHtml } from '../../functions/domain/release/sanitise';

// feedparser's sanitizer cases (BSD-2-Clause, see the folder's NOTICE): hostile HTML in RSS
// content:encoded and Atom content. Their entries have no guid or link, so Pressroom's parseFeed
// would skip them; the feed parser itself is asked for their content instead.
const dir = join(__dirname, '../fixtures/feeds/feedparser/sanitize');
const cases = readdirSync(dir).filter((name) => name.endsWith('.xml')).sort();

function contentOf(xml: string): string[] {
  const feed = parseXmlFeed(xml);
  return [feed.title ?? '', ...feed.items.flatMap((item) => [item.content ?? '', item.description ?? '', item.title ?? ''])].filter(Boolean);
}

/** What must never reach an email or the web version, whatever the input. */
const DANGEROUS: Array<[string, RegExp]> = [
  ['a script element', /<\s*script/i],
  ['an event handler', /<[^>]*\son[a-z]+\s*=/i],
  ['a javascript: URL', /(href|src)\s*=\s*["']?\s*javascript:/i],
  ['a style attribute or element', /<[^>]*\sstyle\s*=|<\s*style/i],
  ['a frame, object, embed or applet', /<\s*(iframe|frame|frameset|object|embed|applet)\b/i],
  ['a meta or link element', /<\s*(meta|link|base)\b/i],
  ['a form', /<\s*(form|input|button)\b/i],
  ['a CSS expression or url()', /expression\s*\(|url\s*\(/i],
  ['a comment that could hide markup', /<!--/],
];

describe('the release sanitiser on feedparser’s sanitizer cases', () => {
  it('has the cases to run', () => {
    expect(cases.length).toBeGreaterThan(60);
  });

  it.each(cases)('%s: nothing dangerous survives', (name) => {
    const contents = contentOf(readFileSync(join(dir, name), 'utf8'));
    expect(contents.length).toBeGreaterThan(0);
    for (const content of contents) {
      const clean = sanitiseReleaseHtml(content, 'https://example.org/blog/a-post');
      for (const [what, pattern] of DANGEROUS) expect(clean, `${what} in ${clean}`).not.toMatch(pattern);
    }
  });

  // The text around a removed element stays, as feedparser expects. Not for an unclosed <iframe> or
  // <object>: what follows one is its fallback content, dropped with it (as a browser hides it).
  it.each(cases.filter((name) => /_(script|applet|embed|frame|link|meta)\.xml$/.test(name)))('%s: the text around the removed element stays', (name) => {
    const [content] = contentOf(readFileSync(join(dir, name), 'utf8'));
    expect(sanitiseReleaseHtml(content, 'https://example.org/').replace(/<[^>]+>/g, '')).toBe('safe description');
  });

  it('keeps the image of an event-handler case, without the handler, over https', () => {
    const [content] = contentOf(readFileSync(join(dir, 'item_content_encoded_onerror.xml'), 'utf8'));
    expect(sanitiseReleaseHtml(content, 'https://example.org/')).toBe('<img src="https://www.ragingplatypus.com/i/cam-full.jpg" alt="" />');
  });
});
