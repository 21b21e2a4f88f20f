import { describe, expect, it } from 'vitest';
import { markdownToHtml, sanitiseReleaseHtml } from '../../functions/domain/release/sanitise';
import { parseMarkdownRelease } from '../../functions/domain/release/markdown-file';

const base = 'https://example.org/blog/a-post';
const clean = (html: string) => sanitiseReleaseHtml(html, base);

describe('sanitiseReleaseHtml', () => {
  it('drops script elements with their content', () => {
    expect(clean('<p>before</p><script>alert(1)</script><p>after</p>')).toBe('<p>before</p><p>after</p>');
    expect(clean('<svg><script>alert(1)</script></svg><p>x</p>')).toBe('<p>x</p>');
  });

  it('drops event handler attributes', () => {
    expect(clean('<img src="/a.png" onerror="alert(1)" alt="A">')).toBe('<img src="https://example.org/a.png" alt="A" />');
    expect(clean('<p onclick="steal()" onmouseover="x">hi</p>')).toBe('<p>hi</p>');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'javascript&colon;alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'tel:+15555550100',
  ])('drops a link to %j but keeps its text', (href) => {
    expect(clean(`<p><a href="${href.replace(/"/g, '&quot;')}">click</a></p>`)).toBe('<p>click</p>');
  });

  it('drops images with data: sources', () => {
    expect(clean('<p>x<img src="data:image/png;base64,iVBORw0KGgo=" alt="pixel"></p>')).toBe('<p>x</p>');
  });

  it('drops iframes with their content, and form controls', () => {
    const out = clean('<iframe src="https://evil.example">fallback</iframe><form action="https://evil.example"><input name="email"><button>Join</button></form>');
    expect(out).not.toMatch(/iframe|form|input|button|fallback|evil/);
    expect(out).toBe('Join');
  });

  it('drops style attributes, style blocks, classes and ids', () => {
    expect(clean('<style>p { color: red }</style><p style="position:fixed" class="x" id="y">text</p>')).toBe('<p>text</p>');
  });

  it('keeps https, http and mailto links', () => {
    expect(clean('<a href="https://a.example/x">a</a> <a href="http://b.example/">b</a> <a href="mailto:press@example.org">c</a>')).toBe(
      '<a href="https://a.example/x">a</a> <a href="http://b.example/">b</a> <a href="mailto:press@example.org">c</a>',
    );
  });

  it('resolves relative and protocol-relative links and sources against the base URL', () => {
    expect(clean('<a href="/about">1</a><a href="next-post">2</a><a href="#top">3</a><a href="//cdn.example.org/x">4</a>')).toBe(
      '<a href="https://example.org/about">1</a>' +
        '<a href="https://example.org/blog/next-post">2</a>' +
        '<a href="https://example.org/blog/a-post#top">3</a>' +
        '<a href="https://cdn.example.org/x">4</a>',
    );
    expect(clean('<img src="../img/chart.png" alt="Chart">')).toBe('<img src="https://example.org/img/chart.png" alt="Chart" />');
  });

  it('upgrades http image sources to https', () => {
    expect(clean('<img src="http://cdn.example.org/photo.jpg" alt="Photo" width="600" height="400">')).toBe(
      '<img src="https://cdn.example.org/photo.jpg" alt="Photo" width="600" height="400" />',
    );
  });

  it('gives images without alt an empty alt', () => {
    expect(clean('<img src="https://cdn.example.org/photo.jpg">')).toBe('<img src="https://cdn.example.org/photo.jpg" alt="" />');
  });

  it('turns h1 into h2 and h5/h6 into h4, and keeps the allowed structure', () => {
    const html =
      '<h1>Title</h1><h3>Sub</h3><h6>Small</h6><blockquote><p><em>quoted</em> <cite>them</cite></p></blockquote>' +
      '<ul><li><strong>a</strong></li></ul><figure><img src="https://x.example/a.png" alt="a"><figcaption>cap</figcaption></figure>' +
      '<table><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>';
    expect(clean(html)).toBe(
      '<h2>Title</h2><h3>Sub</h3><h4>Small</h4><blockquote><p><em>quoted</em> <cite>them</cite></p></blockquote>' +
        '<ul><li><strong>a</strong></li></ul><figure><img src="https://x.example/a.png" alt="a" /><figcaption>cap</figcaption></figure>' +
        '<table><thead><tr><th scope="col">h</th></tr></thead><tbody><tr><td colspan="2">d</td></tr></tbody></table>',
    );
  });

  it('removes comments, including Outlook conditional comments', () => {
    expect(clean('<p>a<!-- secret --></p><!--[if mso]><p>mso</p><![endif]-->')).toBe('<p>a</p>');
  });

  it('escapes text so it cannot become markup', () => {
    expect(clean('<p>5 &lt; 6 &amp; &lt;script&gt;</p>')).toBe('<p>5 &lt; 6 &amp; &lt;script&gt;</p>');
  });
});

describe('markdownToHtml', () => {
  it('converts GitHub-flavoured Markdown', () => {
    const html = markdownToHtml('## Heading\n\n> quoted *text*\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n~~gone~~');
    expect(html).toContain('<h2>Heading</h2>');
    expect(html).toContain('<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>');
    expect(html).toContain('<td>1</td>');
    expect(html).toContain('<del>gone</del>');
  });

  it('leaves raw HTML for the sanitiser to remove', () => {
    const md = 'Hello <img src=x onerror=alert(1)> [link](javascript:alert(1))\n\n<script>alert(2)</script>';
    const out = sanitiseReleaseHtml(markdownToHtml(md), base);
    expect(out).not.toMatch(/onerror|script|javascript/i);
    expect(out).toContain('Hello');
  });
});

describe('parseMarkdownRelease', () => {
  it('splits YAML front matter from the Markdown body', () => {
    const file = '---\nid: a-post\ntitle: "A: post"\nlists: [blog]\npublishedAt: 2024-05-01T09:00:00Z\n---\n\nFirst paragraph.\n';
    expect(parseMarkdownRelease(file)).toEqual({
      frontMatter: { id: 'a-post', title: 'A: post', lists: ['blog'], publishedAt: '2024-05-01T09:00:00.000Z' },
      markdown: 'First paragraph.\n',
    });
  });

  it('returns a fresh front matter object for the same text', () => {
    const file = '---\ntitle: x\n---\nbody';
    const first = parseMarkdownRelease(file);
    first.frontMatter.title = 'changed';
    expect(parseMarkdownRelease(file).frontMatter.title).toBe('x');
  });

  it('refuses executable front matter', () => {
    expect(() => parseMarkdownRelease('---js\n{ title: process.exit(1) }\n---\nbody')).toThrow(/not supported/);
  });

  it('accepts a file without front matter', () => {
    expect(parseMarkdownRelease('Just text.')).toEqual({ frontMatter: {}, markdown: 'Just text.' });
  });
});

describe('image sizes', () => {
  it('caps an image wider than the column and drops its height so it keeps its proportions', () => {
    const out = sanitiseReleaseHtml('<img src="https://example.org/a.png" alt="A" width="1200" height="800">', 'https://example.org/');
    expect(out).toBe('<img src="https://example.org/a.png" alt="A" width="600" />');
  });

  it('keeps pixel sizes within the column and drops sizes that are not whole pixels', () => {
    expect(sanitiseReleaseHtml('<img src="https://example.org/a.png" alt="" width="300" height="200">', 'https://example.org/')).toBe(
      '<img src="https://example.org/a.png" alt="" width="300" height="200" />',
    );
    expect(sanitiseReleaseHtml('<img src="https://example.org/a.png" alt="" width="100%" height="auto">', 'https://example.org/')).toBe(
      '<img src="https://example.org/a.png" alt="" />',
    );
  });
});
