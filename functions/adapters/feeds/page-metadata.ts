import { parseHTML } from 'linkedom';

/** What an article page says about itself in its head, as CMSs print it (WordPress, Ghost, Hugo themes). */
export interface PageMetadata {
  /** `<link rel="canonical">`, else `og:url`, made absolute against the page's address. */
  canonicalUrl?: string;
  /** `og:title`: the post's own title, without the " – Site name" many `<title>`s carry. */
  title?: string;
  /** `og:description`, else `<meta name="description">`. */
  description?: string;
  /** `article:published_time` (Open Graph article), as written. */
  publishedTime?: string;
  /** `<html lang>`. */
  language?: string;
}

interface HeadElement {
  getAttribute(name: string): string | null;
}
interface HeadDocument {
  documentElement: HeadElement | null;
  querySelector(selector: string): HeadElement | null;
}

/**
 * Reads the page's own metadata (canonical link, Open Graph, `<html lang>`), which names the post
 * more exactly than Readability's guesses: `og:title` has no site-name suffix, and the canonical
 * URL is the one staff share whatever tracking parameters or redirects led to the page.
 *
 * @example
 * readPageMetadata('<html lang="en"><head><meta property="og:title" content="Spring update"></head></html>', 'https://example.org/p/1');
 * // { title: 'Spring update', language: 'en' }
 */
export function readPageMetadata(html: string, pageUrl: string): PageMetadata {
  // linkedom's types describe its own DOM; this project compiles without the browser's lib.
  const { document } = parseHTML(html) as unknown as { document: HeadDocument };
  const attribute = (selector: string, name: string) => document.querySelector(selector)?.getAttribute(name)?.trim() || undefined;
  const meta = (selector: string) => attribute(selector, 'content');
  const canonical = attribute('link[rel~="canonical"][href]', 'href') ?? meta('meta[property="og:url"]');
  const canonicalUrl = canonical && URL.canParse(canonical, pageUrl) ? new URL(canonical, pageUrl).href : undefined;
  const fields: PageMetadata = {
    canonicalUrl,
    title: meta('meta[property="og:title"]'),
    description: meta('meta[property="og:description"]') ?? meta('meta[name="description"]'),
    publishedTime: meta('meta[property="article:published_time"]'),
    language: document.documentElement?.getAttribute('lang')?.trim() || undefined,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
