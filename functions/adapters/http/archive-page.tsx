/** @jsxImportSource hono/jsx */
/**
 * The public archive page: releases newest first with their date, tags and summary, a list
 * selector (a plain GET form: no script), a link to subscribe, links to older pages and the feeds.
 * Links are absolute from `publicUrl`, like the links in emails, so they hold behind a path prefix.
 */
import type { ArchivePage } from '../../domain/feeds/archive';
import { ALL_RELEASES_FEED } from '../../domain/feeds/feed-names';
import { renderPage } from './console/layout';

const FEED_FORMATS = [
  { format: 'rss', label: 'RSS' },
  { format: 'atom', label: 'Atom' },
  { format: 'json', label: 'JSON Feed' },
] as const;

// The archive's own words (and dates) are English; each release's title and summary keep its own `lang`.
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * `December 7, 2026`, in UTC: what `Intl.DateTimeFormat('en', { dateStyle: 'long' })` writes, without
 * loading ICU's locale data (~12 ms at the archive function's start).
 */
export function longDate(iso: string): string {
  const date = new Date(iso);
  return `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

// pages.ts's look, with the archive's own parts; every text colour keeps ≥ 4.5:1 on its background.
// The runtime escapes a <style> child like any text, so the rules avoid & < > and quotes.
const STYLE = `
  body { font: 16px/1.5 system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #1f2937; background: #f3f4f6; margin: 0; }
  main { max-width: 40rem; margin: 2rem auto; background: #fff; padding: 1.5rem 1.25rem; border-radius: 8px; }
  h1 { font-size: 1.5rem; margin-top: 0; }
  h2 { font-size: 1.25rem; margin: 0 0 .25rem; }
  a { color: #1d4ed8; }
  a:focus-visible, select:focus-visible, button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
  .muted { color: #4b5563; }
  .filter { display: flex; flex-wrap: wrap; align-items: end; gap: .5rem 1rem; margin: 0 0 1.5rem; }
  .filter label { font-weight: 600; display: block; }
  select { font: inherit; padding: .5rem .75rem; border: 1px solid #6b7280; border-radius: 6px; background: #fff; color: inherit; min-height: 2.75rem; }
  button { font: inherit; background: #1d4ed8; color: #fff; border: 0; padding: .6rem 1.25rem; border-radius: 6px; cursor: pointer; min-height: 2.75rem; }
  ol.releases { list-style: none; padding: 0; margin: 0; }
  ol.releases li.entry { border-top: 1px solid #e5e7eb; padding: 1rem 0; }
  .meta { margin: 0; }
  .tags { list-style: none; padding: 0; margin: .5rem 0 0; display: flex; flex-wrap: wrap; gap: .5rem; }
  .tags li { background: #e5e7eb; border-radius: 999px; padding: 0 .75rem; font-size: .9375rem; }
  .summary { margin: .5rem 0 0; }
  .subscribe { background: #eff6ff; border-radius: 8px; padding: .75rem 1rem; }
`;

export interface ArchivePageOptions {
  organisationName: string;
  publicUrl: string;
  isFirstPage: boolean;
}

/**
 * The archive page as an HTML document. `isFirstPage` decides whether a link back to the newest
 * releases shows; a filtered page keeps its list in every link it makes.
 *
 * @example
 * const page = await renderArchivePage(archive, { organisationName, publicUrl, isFirstPage: true });
 */
export function renderArchivePage(archive: ArchivePage, options: ArchivePageOptions): Promise<string> {
  const base = options.publicUrl.replace(/\/+$/, '');
  const archiveUrl = (query: Record<string, string | undefined>) => {
    const params = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => entry[1] !== undefined));
    return `${base}/archive${params.size ? `?${params}` : ''}`;
  };
  const listId = archive.list?.id;
  const title = archive.list ? `Archive: ${archive.list.name}` : 'Archive';
  const feed = archive.list ? { name: archive.list.id, label: archive.list.name } : { name: ALL_RELEASES_FEED, label: 'All releases' };
  const feeds = [{ name: ALL_RELEASES_FEED, label: 'All releases' }, ...archive.lists.map((l) => ({ name: l.id, label: l.name }))];
  const subscribe = `${base}/subscribe${listId ? `?lists=${encodeURIComponent(listId)}` : ''}`;
  return renderPage(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${options.organisationName}`}</title>
        {FEED_FORMATS.map(({ format, label }) => (
          <link rel="alternate" type={format === 'rss' ? 'application/rss+xml' : format === 'atom' ? 'application/atom+xml' : 'application/feed+json'} title={`${feed.label} (${label})`} href={`${base}/feeds/${feed.name}.${format}`} />
        ))}
        <style>{STYLE}</style>
      </head>
      <body>
        <main>
          <p class="muted">{options.organisationName}</p>
          <h1>{title}</h1>
          {archive.lists.length > 0 && (
            <form class="filter" method="get" action={`${base}/archive`}>
              <div>
                <label for="list">Show releases of</label>
                <select id="list" name="list">
                  <option value="" selected={!listId}>
                    All lists
                  </option>
                  {archive.lists.map((l) => (
                    <option value={l.id} selected={l.id === listId}>
                      {l.name}
                    </option>
                  ))}
                </select>
              </div>
              <button type="submit">Show</button>
            </form>
          )}
          <p class="subscribe">
            Get new releases by email: <a href={subscribe}>{archive.list ? `subscribe to ${archive.list.name}` : 'subscribe'}</a>.
          </p>
          {archive.releases.length ? (
            <ol class="releases">
              {archive.releases.map((r) => (
                <li class="entry">
                  <article lang={r.language}>
                    <h2>
                      <a href={`${base}/releases/${encodeURIComponent(r.id)}`}>{r.title}</a>
                    </h2>
                    <p class="meta muted" lang="en">
                      <time datetime={r.publishedAt}>{longDate(r.publishedAt)}</time>
                      {r.author && ` · ${r.author}`}
                    </p>
                    {r.tags.length > 0 && (
                      <ul class="tags" aria-label="Topics">
                        {r.tags.map((tag) => (
                          <li>{tag}</li>
                        ))}
                      </ul>
                    )}
                    {archive.summaries[r.id] && <p class="summary">{archive.summaries[r.id]}</p>}
                  </article>
                </li>
              ))}
            </ol>
          ) : (
            <p>{options.isFirstPage ? 'Nothing has been published yet.' : 'There are no older releases.'}</p>
          )}
          {(!options.isFirstPage || archive.next) && (
            <nav aria-label="Archive pages">
              <p>
                {!options.isFirstPage && <a href={archiveUrl({ list: listId })}>Newest releases</a>}
                {!options.isFirstPage && archive.next && ' · '}
                {archive.next && (
                  <a href={archiveUrl({ list: listId, before: archive.next })} rel="next">
                    Older releases
                  </a>
                )}
              </p>
            </nav>
          )}
          <h2>Feeds</h2>
          <ul>
            {feeds.map((f) => (
              <li>
                {f.label}:{' '}
                {FEED_FORMATS.map(({ format, label }, i) => (
                  <>
                    {i > 0 && ', '}
                    <a href={`${base}/feeds/${f.name}.${format}`}>{label}</a>
                  </>
                ))}
              </li>
            ))}
          </ul>
        </main>
      </body>
    </html>,
  );
}
