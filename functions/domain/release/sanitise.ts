/**
 * Turns a release body (HTML from the webhook, or Markdown from the CLI) into HTML that is safe to
 * put in an email. Pure: no I/O, the same input always gives the same output.
 */
import sanitizeHtml from 'sanitize-html';
import { Marked } from 'marked';
import type { ReleaseTranslation } from './translations';

const HEADING_LEVELS = ['h2', 'h3', 'h4'];

const ALLOWED_TAGS = [
  'p', 'br', ...HEADING_LEVELS, 'strong', 'b', 'em', 'i', 'u', 's',
  'a', 'ul', 'ol', 'li', 'blockquote', 'cite', 'q', 'code', 'pre', 'hr',
  'img', 'figure', 'figcaption',
  'table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td',
];

// Content of these is dropped along with the tag; for every other disallowed tag the text is kept.
const NON_TEXT_TAGS = [
  'script', 'style', 'textarea', 'option', 'select', 'noscript', 'iframe', 'object', 'embed',
  'template', 'title', 'head', 'svg', 'math', 'canvas', 'audio', 'video',
];

/**
 * Resolves `value` against `baseUrl` and keeps it only when its scheme is one of `schemes`.
 * Resolving first also normalises tricks such as `java\tscript:` before the scheme is checked.
 */
function resolveUrl(value: string | undefined, baseUrl: string, schemes: readonly string[]): string | undefined {
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value.trim(), baseUrl);
  } catch {
    return undefined;
  }
  return schemes.includes(url.protocol) ? url.href : undefined;
}

/** The email's content column; Outlook on Windows ignores CSS max-width and trusts the attribute. */
export const MAX_IMAGE_WIDTH = 600;

/**
 * Pixel sizes only, and never wider than the column: a wider image keeps its proportions by losing
 * its height attribute (the template's CSS scales it). Anything that is not a whole number goes.
 */
function imageSize(attribs: Record<string, string | undefined>): { width?: string; height?: string } {
  const pixels = (value: string | undefined) => (value && /^\d{1,5}$/.test(value.trim()) ? Number(value) : undefined);
  const width = pixels(attribs.width);
  const height = pixels(attribs.height);
  if (width !== undefined && width > MAX_IMAGE_WIDTH) return { width: String(MAX_IMAGE_WIDTH), height: undefined };
  return { width: width === undefined ? undefined : String(width), height: height === undefined ? undefined : String(height) };
}

function withoutUndefined(attribs: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(attribs).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * Keeps only the tags and attributes an email body needs; everything else is dropped.
 *
 * - Links may use https, http or mailto; relative links and image sources resolve against `baseUrl`
 *   (the release's own URL), because an email has no base of its own.
 * - `http:` image sources become `https:` (mixed content is blocked or warned about by many clients);
 *   images without a usable source are removed; every image has an `alt` (empty when none was given).
 * - `h1` becomes `h2` (the email's title is the only `h1`), `h5`/`h6` become `h4`.
 * - No scripts, styles, `style` attributes, event handlers, forms, iframes, classes or ids survive.
 *
 * @example
 * sanitiseReleaseHtml('<p onclick="x()">Hi <a href="/about">us</a></p>', 'https://example.org/blog/post');
 * // → '<p>Hi <a href="https://example.org/about">us</a></p>'
 */
export function sanitiseReleaseHtml(html: string, baseUrl: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    nonTextTags: NON_TEXT_TAGS,
    disallowedTagsMode: 'discard',
    allowedAttributes: {
      a: ['href', 'title'],
      img: ['src', 'alt', 'width', 'height'],
      th: ['colspan', 'rowspan', 'scope'],
      td: ['colspan', 'rowspan'],
    },
    allowedClasses: {},
    allowedStyles: {},
    allowedSchemes: ['https', 'http', 'mailto'],
    allowedSchemesByTag: { img: ['https'] },
    allowedSchemesAppliedToAttributes: ['href', 'src'],
    // Protocol-relative URLs were already resolved against the base; anything left is not wanted.
    allowProtocolRelative: false,
    // `alt=""` survives because sanitize-html's default allowedEmptyAttributes is ['alt'].
    transformTags: {
      h1: 'h2',
      h5: 'h4',
      h6: 'h4',
      a: (tagName, attribs) => ({
        tagName,
        attribs: withoutUndefined({ ...attribs, href: resolveUrl(attribs.href, baseUrl, ['https:', 'http:', 'mailto:']) }),
      }),
      img: (tagName, attribs) => {
        const src = resolveUrl(attribs.src, baseUrl, ['https:', 'http:'])?.replace(/^http:/, 'https:');
        return { tagName, attribs: withoutUndefined({ ...attribs, ...imageSize(attribs), src, alt: attribs.alt ?? '' }) };
      },
    },
    // An image with no safe source would only show a broken-image box; a link whose target was
    // refused keeps its text but loses the <a>.
    exclusiveFilter: (frame) => {
      if (frame.tag === 'img' && !frame.attribs.src) return true;
      if (frame.tag === 'a' && !frame.attribs.href) return 'excludeTag';
      return false;
    },
  });
}

// One private instance, so no other module's `marked.use(...)` changes how releases are converted.
const markdown = new Marked({ gfm: true, breaks: false });

/**
 * Converts a Markdown release body to HTML (GitHub-flavoured: tables, strikethrough, autolinks).
 * Raw HTML in the Markdown passes through unchanged, so the result is as untrusted as the input:
 * always pass it through {@link sanitiseReleaseHtml}.
 *
 * @example
 * sanitiseReleaseHtml(markdownToHtml('> quoted *text*'), release.url);
 */
export function markdownToHtml(source: string): string {
  return markdown.parse(source, { async: false });
}

/**
 * The release body as sanitised HTML, whichever form it arrived in (HTML from a CMS or Markdown),
 * with links and images resolved against the release's URL: what the email, the web version and the
 * feeds all show. A release always has one of the two (validated at publish); without, it is empty.
 *
 * @example
 * releaseBodyHtml({ markdown: '[Contact](/contact)', url: 'https://example.org/r/1' });
 * // '<p><a href="https://example.org/contact">Contact</a></p>'
 */
export function releaseBodyHtml(release: { html?: string; markdown?: string; url: string }): string {
  const source = release.html ?? (release.markdown !== undefined ? markdownToHtml(release.markdown) : '');
  return sanitiseReleaseHtml(source, release.url);
}

/**
 * The release with its canonical body: sanitised here once (at publish or preview) and carried, so
 * that no reader sanitises it again. A release that already has one keeps it.
 */
export function withBody<R extends { html?: string; markdown?: string; body?: string; url: string; translations?: ReleaseTranslation[] }>(release: R): R & { body: string } {
  const translations = release.translations?.map(({ html, markdown, ...t }) => ({ ...t, body: t.body ?? releaseBodyHtml({ html, markdown, url: release.url }) }));
  return { ...release, body: release.body ?? releaseBodyHtml(release), ...(translations ? { translations } : {}) };
}

