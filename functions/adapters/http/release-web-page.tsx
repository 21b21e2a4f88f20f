/** @jsxImportSource hono/jsx */
/**
 * A release's web version: the release as a web page of its own, to read and to share. It carries
 * none of the email's reader-specific parts (no "view in browser" link to itself, no unsubscribe
 * footer, no "you are receiving this"); it asks the reader to subscribe instead, names the original
 * as canonical, and has the Open Graph and Twitter card tags that make a shared link a card.
 *
 * The page loads nothing but itself and the body's own images: styles are inline, no script, no
 * font or icon from elsewhere (the API's Content-Security-Policy allows no more).
 */
import type { Release } from '../../domain/release/release';
import type { LanguageVersion } from '../../domain/release/translations';
import { releaseStringsFor } from '../strings/release-strings';
import { stringsFor } from '../strings/ui-strings';
import { formatDate } from '../render/release-date';
import { renderPage } from './console/layout';

export interface ReleaseWebPageInput {
  release: Release;
  /** The release's canonical body: HTML the publish path sanitised (domain/release/sanitise.ts). */
  body: string;
  /** Its own summary, else its first sentence (release-summary.ts), for the card's description. */
  summary: string;
  imageUrl?: string;
  /** Every language version of the release, its own first: each page names all as `hreflang` alternates. */
  versions?: LanguageVersion[];
  /** This page shows a translation (then it is its own canonical: see below). */
  translated?: boolean;
  organisationName: string;
  publicUrl: string;
}

// Readable measure, body images that never overflow a phone, contrast ≥ 4.5:1 for every text colour.
// The runtime escapes a <style> child like any text, so the rules avoid & < > and quotes.
const STYLE = `
  body { font: 17px/1.6 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #1f2937; background: #f3f4f6; margin: 0; }
  header, main, footer { max-width: 40rem; margin: 0 auto; padding: 0 1.25rem; }
  header { padding-top: 1.5rem; }
  main { background: #fff; padding: 2rem 1.25rem; border-radius: 8px; }
  h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .5rem; }
  a { color: #1d4ed8; }
  a:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
  .muted { color: #4b5563; }
  .byline { margin: 0; }
  .tags { list-style: none; padding: 0; margin: .75rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem; }
  .tags li { background: #e5e7eb; border-radius: 999px; padding: .125rem .75rem; font-size: .9375rem; }
  .correction { border-left: 4px solid #b45309; padding: .25rem .75rem; margin: 1rem 0 0; }
  .body { margin-top: 1.5rem; overflow-wrap: anywhere; }
  .body img { max-width: 100%; height: auto; }
  .body table { display: block; max-width: 100%; overflow-x: auto; }
  .original { margin: 2rem 0 0; }
  .subscribe { margin: 2rem 0 0; padding: 1.25rem; border-radius: 8px; background: #eff6ff; }
  .subscribe h2 { font-size: 1.25rem; margin: 0 0 .5rem; }
  .button { display: inline-block; background: #1d4ed8; color: #fff; text-decoration: none; padding: .75rem 1.25rem; border-radius: 6px; font-weight: 600; }
  footer { padding-top: 1rem; padding-bottom: 2rem; }
`;

/**
 * The sign-up page with this release's lists ticked (`?lists=blog,press`) in the release's language.
 * Private lists in it are simply not offered there.
 */
export function subscribeUrl(base: string, release: Pick<Release, 'lists' | 'language'>): string {
  const query = new URLSearchParams({ lists: release.lists.join(','), lang: stringsFor(release.language).language });
  return `${base}/subscribe?${query.toString().replace(/%2C/g, ',')}`;
}

/**
 * The web version as an HTML document.
 *
 * @example
 * const page = await releaseWebPage({ release, body, summary, organisationName, publicUrl });
 */
export function releaseWebPage({ release, body, summary, imageUrl, versions = [], translated = false, organisationName, publicUrl }: ReleaseWebPageInput): Promise<string> {
  const base = publicUrl.replace(/\/+$/, '');
  const words = releaseStringsFor(release.language);
  const signup = stringsFor(release.language).signup;
  const published = formatDate(release.publishedAt, release.language);
  return renderPage(
    <html lang={release.language}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${release.title} · ${organisationName}`}</title>
        {summary && <meta name="description" content={summary} />}
        {/* A translation names itself as canonical: one naming the original (another language) would
            tell search engines to drop it in favour of a page its readers cannot read. */}
        <link rel="canonical" href={translated ? `${base}${versions.find((v) => v.language === release.language)?.path ?? ''}` : release.url} />
        {versions.length > 1 &&
          versions.map((v) => <link rel="alternate" hreflang={v.language} href={`${base}${v.path}`} />)}
        {versions.length > 1 && <link rel="alternate" hreflang="x-default" href={`${base}${versions[0]!.path}`} />}
        <meta property="og:type" content="article" />
        <meta property="og:site_name" content={organisationName} />
        <meta property="og:title" content={release.title} />
        {summary && <meta property="og:description" content={summary} />}
        <meta property="og:url" content={release.url} />
        {imageUrl && <meta property="og:image" content={imageUrl} />}
        <meta property="article:published_time" content={release.publishedAt} />
        {release.updatedAt && <meta property="article:modified_time" content={release.updatedAt} />}
        {release.tags.map((tag) => (
          <meta property="article:tag" content={tag} />
        ))}
        <meta name="twitter:card" content={imageUrl ? 'summary_large_image' : 'summary'} />
        <meta name="twitter:title" content={release.title} />
        {summary && <meta name="twitter:description" content={summary} />}
        {imageUrl && <meta name="twitter:image" content={imageUrl} />}
        <style>{STYLE}</style>
      </head>
      <body>
        <header>
          <p class="muted">{organisationName}</p>
        </header>
        <main>
          <article>
            <h1>{release.title}</h1>
            <p class="byline muted">
              <time datetime={release.publishedAt}>{published}</time>
              {release.author && ` · ${release.author}`}
            </p>
            {release.tags.length > 0 && (
              <ul class="tags" aria-label={words.topics.replace(/:$/, '')}>
                {release.tags.map((tag) => (
                  <li>{tag}</li>
                ))}
              </ul>
            )}
            {release.updatedAt && (
              <p class="correction">
                <strong>{words.updated(formatDate(release.updatedAt, release.language))}</strong>
                {release.correctionNote && ` ${release.correctionNote}`}
              </p>
            )}
            {/* The one place raw HTML enters a public page: the body as sanitised at publish (sanitise.ts). */}
            <div class="body" dangerouslySetInnerHTML={{ __html: body }} />
            <p class="original">
              <a href={release.url}>{words.readOnWebsite}</a>
            </p>
          </article>
          <section class="subscribe" aria-labelledby="subscribe-heading">
            <h2 id="subscribe-heading">{signup.title}</h2>
            <p>{signup.intro}</p>
            <a class="button" href={subscribeUrl(base, release)}>
              {signup.submit}
            </a>
          </section>
        </main>
        <footer>
          <p class="muted">
            {/* The archive's own words are English (archive-page.tsx). */}
            <a href={`${base}/archive`} lang="en">
              All releases
            </a>{' '}
            · {organisationName}
          </p>
        </footer>
      </body>
    </html>,
  );
}
