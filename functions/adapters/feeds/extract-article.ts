import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { ExtractedArticle } from '../../domain/source/feed-item';

/** The little of a DOM document this file touches. */
interface PageElement {
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  prepend(node: PageElement): void;
}
interface PageDocument {
  documentElement: PageElement | null;
  head: PageElement | null;
  querySelector(selector: string): PageElement | null;
  createElement(name: string): PageElement;
}

const MIN_ARTICLE_CHARACTERS = 140;

/**
 * Finds the main content of an article page with Mozilla's Readability (Firefox's Reader View) over
 * linkedom, a DOM a fraction of jsdom's size, which is all Readability needs. Relative links and
 * images are made absolute against `url` (a `<base>` is set when the page has none), since the
 * content leaves its page for an email. Returns undefined when no article is found.
 *
 * The content is not sanitised here: every release body is, at publish (domain/release/sanitise.ts).
 *
 * @example
 * const article = extractArticle(await page.text(), 'https://example.org/2026/12/spring-update/');
 * article?.contentHtml; // '<div id="readability-page-1" …><p>…</p></div>'
 */
export function extractArticle(html: string, url: string): ExtractedArticle | undefined {
  // linkedom's types describe its own DOM; this project compiles without the browser's lib.
  const { document } = parseHTML(html) as unknown as { document: PageDocument };
  if (!document.querySelector('base[href]') && document.head) {
    const base = document.createElement('base');
    base.setAttribute('href', url);
    document.head.prepend(base);
  }
  const language = document.documentElement?.getAttribute('lang') ?? undefined;
  // Readability's types name the browser's Document; linkedom's is the same shape.
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0], { charThreshold: 200 }).parse();
  // Readability returns whatever text a page has, even "Page not found"; below the length Firefox's
  // own readerable check asks for (isProbablyReaderable's minContentLength), there is no article.
  if (!article?.content || (article.textContent ?? '').trim().length < MIN_ARTICLE_CHARACTERS) return undefined;
  return {
    contentHtml: article.content,
    ...(article.title ? { title: article.title } : {}),
    ...(article.byline ? { byline: article.byline } : {}),
    ...(article.excerpt ? { excerpt: article.excerpt } : {}),
    ...(language ? { language } : {}),
  };
}
