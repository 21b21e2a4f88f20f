import { extractArticle } from '../adapters/feeds/extract-article';
import { readPageMetadata } from '../adapters/feeds/page-metadata';
import type { OutboundFetch } from '../adapters/outbound/guarded-fetch';
import { RELEASE_ID, RELEASE_ID_MAX_LENGTH } from '../domain/release/release-input';
import { CliError } from './cli-error';

/** What staff add on the command line to a post fetched by its URL. */
export interface FromUrlOptions {
  /** The release id; derived from the post's URL when absent. */
  id?: string;
  /** Lists (ids or display names) to send to: the page cannot say. */
  lists: string[];
  tags?: string[];
}

// An article page with its markup, scripts and inline styles; far more than any post needs.
const MAX_PAGE_BYTES = 5_000_000;
const FETCH_TIMEOUT_MS = 20_000;
// The publish API's limits (domain/release/release-input.ts): shorter is kept, longer is cut.
const MAX_SUMMARY = 1000;
const MAX_AUTHOR = 200;
const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;

/**
 * Fetches a published post's page and builds Pressroom's publish body from it: the canonical URL,
 * the post's own title and description (Open Graph, else Readability's), its main content
 * (Readability), byline, `<html lang>` and `article:published_time`.
 *
 * @throws CliError when the page cannot be fetched, holds no article, or gives no id.
 * @example
 * const body = await releaseFromUrl('https://example.org/2026/12/spring-update/', { lists: ['Press Releases'] }, guardedFetcher());
 * body.id; // 'spring-update'
 */
export async function releaseFromUrl(url: string, options: FromUrlOptions, fetchPage: OutboundFetch): Promise<Record<string, unknown>> {
  const page = await fetchPage(url, { maxBytes: MAX_PAGE_BYTES, timeoutMs: FETCH_TIMEOUT_MS, acceptTypes: 'text/html, application/xhtml+xml' }).catch(
    (error: unknown) => {
      throw new CliError(`Could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  return releaseFromPage(new TextDecoder().decode(page.bytes), page.finalUrl, options);
}

/**
 * The publish body for an article page already fetched (pure; see {@link releaseFromUrl}).
 *
 * @throws CliError when the page holds no article or gives no id.
 * @example
 * releaseFromPage(html, 'https://example.org/2026/12/spring-update/', { lists: ['blog'], tags: ['news'] });
 */
export function releaseFromPage(html: string, finalUrl: string, options: FromUrlOptions): Record<string, unknown> {
  const article = extractArticle(html, finalUrl);
  if (!article) throw new CliError(`No article found on ${finalUrl}`);
  const meta = readPageMetadata(html, finalUrl);
  const url = meta.canonicalUrl && /^https?:$/.test(new URL(meta.canonicalUrl).protocol) ? meta.canonicalUrl : finalUrl;
  const title = oneLine(meta.title ?? article.title ?? '');
  const summary = oneLine(meta.description ?? article.excerpt ?? '').slice(0, MAX_SUMMARY);
  const author = oneLine(article.byline ?? '').slice(0, MAX_AUTHOR);
  const language = meta.language ?? article.language;
  const published = meta.publishedTime ? Date.parse(meta.publishedTime) : NaN;
  return {
    id: options.id ?? releaseIdFromUrl(url),
    title,
    url,
    html: article.contentHtml,
    lists: options.lists,
    ...(options.tags?.length ? { tags: options.tags } : {}),
    ...(summary ? { summary } : {}),
    ...(author ? { author } : {}),
    ...(language && LANGUAGE_TAG.test(language) ? { language } : {}),
    ...(Number.isNaN(published) ? {} : { publishedAt: new Date(published).toISOString() }),
  };
}

/**
 * A release id from a post's URL: its last path segment, made to fit the release id rules
 * (lower-case ASCII letters, digits, dot, underscore, hyphen; accents dropped; a `.html` or `.php`
 * ending removed). WordPress's default permalinks (`/?p=123`) have no such segment: staff then give
 * `--id`.
 *
 * @throws CliError when the URL has no usable path segment.
 * @example
 * releaseIdFromUrl('https://example.org/2026/12/año-nuevo/'); // 'ano-nuevo'
 */
export function releaseIdFromUrl(url: string): string {
  const segment = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
  const slug = decodeSegment(segment)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/\.(html?|php|aspx?)$/, '')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, RELEASE_ID_MAX_LENGTH)
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  if (!RELEASE_ID.test(slug)) throw new CliError(`Cannot derive a release id from ${url}; give one with --id`);
  return slug;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
