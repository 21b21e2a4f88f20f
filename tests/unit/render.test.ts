import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Brand } from '../../functions/adapters/render/brand';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { TemplateError } from '../../functions/adapters/render/template';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder, type RenderedEmail } from '../../functions/domain/release/rendered-email';
import { parseMarkdownRelease } from '../../functions/domain/release/markdown-file';
import { releaseBody } from '../../functions/domain/release/release-body';
import { releaseSummary } from '../../functions/domain/release/release-summary';

const root = fileURLToPath(new URL('../..', import.meta.url));
const templatesDir = join(root, 'templates');
const samples = join(root, 'examples');
const lists = new Set(['blog', 'press-releases']);
const brand: Brand = {
  organisationName: "America's Voice",
  postalAddress: '1201 Example Ave NW, Washington, DC 20005',
  accentColour: '#b3261e',
};
const publicUrl = 'https://news.example.org';
const unsubscribeHref = `href="${RecipientPlaceholder.UnsubscribeUrl}"`;

function releaseFrom(body: unknown): Release {
  const input = parseReleaseInput(body, lists);
  return newRelease({ publishedAt: '2017-03-20T15:00:00Z', ...input }, new Date('2017-03-21T08:00:00Z'));
}

const renderer = (overrides: Partial<Brand> = {}, dir = templatesDir) =>
  new MjmlRenderer({ templatesDir: dir, brand: { ...brand, ...overrides }, publicUrl });

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;
/** The hidden preview text MJML puts first in the body. */
const preheaderOf = (html: string) => /<div style="display:none;[^"]*">([\s\S]*?)<\/div>/.exec(html)?.[1].trim();

/** The number the plain-text part gives `url` in its link list, or undefined when it is not listed. */
function referenceTo(text: string, url: string): string | undefined {
  const escaped = url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.match(new RegExp(`^\\[(\\d+)\\] ${escaped}$`, 'm'))?.[1];
}

describe('MjmlRenderer with the sample release', () => {
  let jsonRelease: Release;
  let email: RenderedEmail;
  let renderMs: number;

  beforeAll(async () => {
    jsonRelease = releaseFrom(JSON.parse(await readFile(join(samples, 'ice-retaliation.json'), 'utf8')));
    const started = performance.now();
    email = await renderer().render(jsonRelease);
    renderMs = performance.now() - started;
    await mkdir(join(root, 'tests/output'), { recursive: true });
    await writeFile(join(root, 'tests/output/sample-release.html'), email.html);
  });

  it('uses the title as subject and shows title, date, author and body', () => {
    expect(email.subject).toBe(jsonRelease.title);
    expect(email.html).toContain('<title>ICE Retaliation and Intimidation: Are We Seeing the Rise of a Political Police Force?</title>');
    expect(email.html).toMatch(/<h1[^>]*>ICE Retaliation and Intimidation: Are We Seeing the Rise of a Political Police Force\?<\/h1>/);
    expect(email.html).toContain('March 20, 2017 · America&#39;s Voice');
    expect(email.html).toContain('She said the message was clear: cooperate or expect more raids.');
    expect(email.html).toContain('Somebody tell these guys that this is America');
  });

  it('styles blockquotes inline, so clients that drop <style> still show them as quotes', () => {
    const quotes = email.html.match(/<blockquote[^>]*>/g) ?? [];
    expect(quotes).toHaveLength(3);
    for (const tag of quotes) {
      expect(tag).toContain('border-left: 4px solid #b3261e');
      expect(tag).toContain('font-style: italic');
    }
  });

  it('has a preheader from the first sentence of the body', () => {
    expect(email.html).toMatch(
      /<div style="display:none;[^"]*">New stories in CNN and The Daily Beast offer more chilling details about how the Trump Administration and U\.S\. Immigration/,
    );
  });

  it('links to the release, the web version and the unsubscribe placeholder', () => {
    expect(email.html).toContain('href="https://example.org/blog/ice-retaliation-and-intimidation"');
    expect(email.html).toContain('Read on our website');
    expect(email.html).toContain('href="https://news.example.org/releases/ice-retaliation-and-intimidation"');
    expect(count(email.html, unsubscribeHref)).toBe(1);
    expect(count(email.html, RecipientPlaceholder.UnsubscribeUrl)).toBe(1);
  });

  it('has the footer with the reason, postal address and unsubscribe link', () => {
    // The lists are the recipient's own: left as a placeholder that the sender fills per recipient.
    expect(email.html).toContain(`You receive this as a member of ${RecipientPlaceholder.ListNames}.`);
    expect(email.text).toContain(`You receive this as a member of ${RecipientPlaceholder.ListNames}.`);
    expect(email.html).toContain('1201 Example Ave NW, Washington, DC 20005');
  });

  it('has a plain-text part with the same content and links', () => {
    const { text } = email;
    expect(text).toContain('ICE RETALIATION AND INTIMIDATION');
    expect(text).toContain('> Immigration and Customs Enforcement has been targeting so-called');
    // Links are numbered references listed at the end, each URL once.
    const unsubscribe = referenceTo(text, RecipientPlaceholder.UnsubscribeUrl);
    const webVersion = referenceTo(text, 'https://news.example.org/releases/ice-retaliation-and-intimidation');
    const website = referenceTo(text, 'https://example.org/blog/ice-retaliation-and-intimidation');
    expect(text).toContain(`Unsubscribe [${unsubscribe}]`);
    expect(text).toContain(`Manage preferences [${referenceTo(text, RecipientPlaceholder.PreferencesUrl)}]`);
    expect(text).toContain(`View in browser [${webVersion}]`);
    expect(text).toContain(`Read on our website [${website}]`);
    expect(new Set([unsubscribe, webVersion, website]).size).toBe(3);
    expect(text).toMatch(/\n\nLinks:\n\[1\] https:/);
    expect(text).toContain('Topics: Blog · Press Releases');
    expect(text).toContain('1201 Example Ave NW, Washington, DC 20005');
    expect(text).not.toMatch(/<[a-z]/i);
    // The preheader is hidden in the HTML and would only repeat the first sentence here.
    expect(count(text, 'New stories in CNN')).toBe(1);
    // URLs in the link list cannot be wrapped; every other line fits 78 columns.
    const prose = text.slice(0, text.lastIndexOf('\n\nLinks:'));
    expect(Math.max(...prose.split('\n').map((line) => line.length))).toBeLessThanOrEqual(78);
  });

  it('stays well under the size at which Gmail clips a message, with no script', () => {
    expect(Buffer.byteLength(email.html)).toBeLessThan(102 * 1024);
    expect(email.html).not.toMatch(/<script/i);
    expect(renderMs).toBeLessThan(5_000);
  });

  it('renders the Markdown version of the sample to the same text', async () => {
    const { frontMatter, markdown } = parseMarkdownRelease(await readFile(join(samples, 'ice-retaliation.md'), 'utf8'));
    const fromMarkdown = await renderer().render(releaseFrom({ ...frontMatter, markdown }));
    const paragraphs = (html: string) => [...html.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) => m[1].trim());
    expect(paragraphs(fromMarkdown.html)).toEqual(paragraphs(email.html));
    expect(paragraphs(email.html).length).toBeGreaterThan(10);
    expect(fromMarkdown.text).toBe(email.text);
  });

  it('renders the same input to the same output', async () => {
    const again = await renderer().render(jsonRelease);
    expect(again).toEqual(email);
  });
});

describe('MjmlRenderer with hostile or unusual releases', () => {
  const base = {
    id: 'post-1',
    title: 'Plain title',
    url: 'https://example.org/blog/post-1',
    lists: ['blog'],
    html: '<p>Body text. Second sentence.</p>',
  };

  it('escapes the title everywhere it appears', async () => {
    const email = await renderer().render(releaseFrom({ ...base, title: 'Cats <b>& dogs</b> "quoted"' }));
    expect(email.subject).toBe('Cats <b>& dogs</b> "quoted"');
    expect(email.html).not.toContain('<b>& dogs');
    expect(email.html).toContain('<title>Cats &lt;b&gt;&amp; dogs&lt;/b&gt; &quot;quoted&quot;</title>');
    expect(email.html).toMatch(/<h1[^>]*>Cats &lt;b&gt;&amp; dogs&lt;\/b&gt; &quot;quoted&quot;<\/h1>/);
    expect(email.text).toContain('CATS <B>& DOGS</B> "QUOTED"');
  });

  it('sanitises the body before it goes into the template', async () => {
    const email = await renderer().render(
      releaseFrom({ ...base, html: '<p onclick="x()">Hi</p><script>alert(1)</script><a href="javascript:alert(1)">bad</a><p>{{title}} {{{body}}}</p>' }),
    );
    expect(email.html).not.toMatch(/<script|onclick|javascript:/i);
    // Slot syntax inside the body is text, not a slot.
    expect(email.html).toMatch(/<p[^>]*>\{\{title\}\} \{\{\{body\}\}\}<\/p>/);
  });

  it('keeps ampersands in the release URL valid in the button link', async () => {
    const email = await renderer().render(releaseFrom({ ...base, url: 'https://example.org/p?a=1&b=2' }));
    expect(email.html).toContain('href="https://example.org/p?a=1&amp;b=2"');
    expect(referenceTo(email.text, 'https://example.org/p?a=1&b=2')).toMatch(/^\d+$/);
  });

  it('uses the summary as preheader, and formats the date for the release language', async () => {
    const email = await renderer().render(releaseFrom({ ...base, summary: 'In short: <it matters>', language: 'es' }));
    expect(email.html).toMatch(/<div style="display:none;[^"]*">In short: &lt;it matters&gt;/);
    expect(email.html).toContain('20 de marzo de 2017');
    expect(email.html).toContain('<html lang="es"');
  });

  it('given a body the old preheader finder read differently from the social summary, when rendered, then the preheader is the same first sentence', async () => {
    // Each body once gave a preheader unlike its social summary and digest entry: a heading that
    // repeats the title, a title the preheader did not know (Prof.), one the summary did not know
    // (Gov.), a quoted abbreviation, list bullets. One finder now answers for all three.
    const bodies = [
      ['<h2>Plain title</h2><p>Body text. Second.</p>', 'Body text.'],
      ['<p>Prof. Lee spoke. Then more.</p>', 'Prof. Lee spoke.'],
      ['<p>Gov. Newsom signed it. Then more.</p>', 'Gov. Newsom signed it.'],
      ['<p>She said “Dr. Who is back.” Then more.</p>', 'She said “Dr. Who is back.”'],
      ['<ul><li>First point</li><li>Second. Point</li></ul>', 'First point Second.'],
    ];
    for (const [html, sentence] of bodies) {
      const release = releaseFrom({ ...base, html });
      const email = await renderer().render(release);
      expect(preheaderOf(email.html), html).toBe(sentence);
      expect(releaseSummary(release, await releaseBody(release)), html).toBe(sentence);
    }
  });

  it('given a first sentence longer than an inbox preview, when rendered, then the preheader is cut at a word with an ellipsis', async () => {
    const email = await renderer().render(releaseFrom({ ...base, html: `<p>${'word '.repeat(40)}end. Next.</p>` }));
    const preheader = preheaderOf(email.html)!;
    expect(preheader).toBe(`${'word '.repeat(27)}word…`);
    expect([...preheader].length).toBeLessThanOrEqual(141);
  });

  it('writes every fixed string in Spanish for a Spanish release, with lang="es"', async () => {
    const email = await renderer().render(releaseFrom({ ...base, language: 'es-MX' }));
    expect(email.html).toContain('<html lang="es-MX"');
    for (const phrase of [
      'Ver en el navegador',
      'Leer en nuestro sitio web',
      `Recibe este correo por su suscripción a ${RecipientPlaceholder.ListNames}.`,
      '>Darse de baja</a>',
      '>Gestionar preferencias</a>',
      'Compartir:',
      '>Correo</a>',
      '20 de marzo de 2017',
    ]) {
      expect(email.html).toContain(phrase);
    }
    for (const english of ['View in browser', 'Read on our website', 'You receive this', 'Unsubscribe<', 'Manage preferences', 'Share:']) {
      expect(email.html).not.toContain(english);
    }
  });

  it('falls back to English for a language without strings', async () => {
    const email = await renderer().render(releaseFrom({ ...base, language: 'fr' }));
    expect(email.html).toContain('<html lang="fr"');
    expect(email.html).toContain('Read on our website');
    expect(email.html).toContain('>Unsubscribe</a>');
    expect(email.html).toContain('Share:');
  });

  it('has plain share links for the release, each value URL-encoded, and keeps them out of the text part', async () => {
    const url = 'https://example.org/p?a=1&b=2#top';
    const title = 'Rock & roll? 100% "yes"';
    const email = await renderer().render(releaseFrom({ ...base, url, title }));
    const u = 'https%3A%2F%2Fexample.org%2Fp%3Fa%3D1%26b%3D2%23top';
    const t = 'Rock%20%26%20roll%3F%20100%25%20%22yes%22';
    const hrefs = [...email.html.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
    expect(hrefs).toEqual(
      expect.arrayContaining([
        `https://x.com/intent/post?url=${u}&text=${t}`,
        `https://www.facebook.com/sharer/sharer.php?u=${u}`,
        `https://bsky.app/intent/compose?text=${t}%20${u}`,
        `https://www.linkedin.com/sharing/share-offsite/?url=${u}`,
        `mailto:?subject=${t}&body=${u}`,
      ]),
    );
    for (const network of ['X', 'Facebook', 'Bluesky', 'LinkedIn', 'Email']) expect(email.html).toMatch(new RegExp(`>${network}</a>`));
    // Text links only: nothing is loaded from the networks.
    expect(email.html).not.toMatch(/<img[^>]+(x\.com|facebook|bsky|linkedin)/);
    expect(email.text).not.toMatch(/x\.com|facebook|bsky|linkedin|mailto/);
    expect(Math.max(...email.text.split('\n').map((line) => line.length))).toBeLessThanOrEqual(78);
  });

  it('shows the logo when the brand has one', async () => {
    const email = await renderer({ logoUrl: 'https://example.org/logo.png' }).render(releaseFrom(base));
    expect(email.html).toMatch(/<img[^>]+alt="America&#39;s Voice"[^>]+src="https:\/\/example\.org\/logo\.png"/);
    expect(email.text).not.toContain('logo.png');
  });

  it('renders a Markdown body with the same sanitising', async () => {
    const markdown = '# Heading\n\n> quote\n\n<iframe src="https://evil.example"></iframe>';
    const email = await renderer().render(releaseFrom({ ...base, html: undefined, markdown }));
    expect(email.html).toMatch(/<h2[^>]*>Heading<\/h2>/);
    expect(email.html).toMatch(/<blockquote[^>]*>\s*<p[^>]*>quote<\/p>/);
    expect(email.html).not.toContain('iframe');
  });

  it('refuses an accent colour that is not a plain CSS colour', () => {
    expect(() => renderer({ accentColour: 'red; } body { display: none' })).toThrow(TemplateError);
  });

  it('reads the templates once per instance', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pressroom-templates-'));
    await cp(templatesDir, dir, { recursive: true });
    const instance = renderer({}, dir);
    const first = await instance.render(releaseFrom(base));
    await rm(dir, { recursive: true, force: true });
    expect(await instance.render(releaseFrom(base))).toEqual(first);
    await expect(renderer({}, dir).render(releaseFrom(base))).rejects.toThrow(TemplateError);
  });

  it('refuses to render a template that MJML finds invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pressroom-templates-'));
    await cp(templatesDir, dir, { recursive: true });
    const file = join(dir, 'release.mjml');
    await writeFile(file, (await readFile(file, 'utf8')).replace('<mj-divider ', '<mj-divider bogus="1" '));
    await expect(renderer({}, dir).render(releaseFrom(base))).rejects.toThrow(/mj-divider.*bogus is illegal/);
    await rm(dir, { recursive: true, force: true });
  });
});
