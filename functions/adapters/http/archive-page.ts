import type { ArchivePage } from '../../domain/feeds/archive';
import { ALL_RELEASES_FEED } from '../../domain/feeds/feed-names';
import { escapeHtml, page } from './pages';

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

function feedLinks(base: string, name: string, label: string): string {
  const links = FEED_FORMATS.map(({ format, label: kind }) => `<a href="${escapeHtml(`${base}/feeds/${name}.${format}`)}">${kind}</a>`).join(', ');
  return `<li>${escapeHtml(label)}: ${links}</li>`;
}

/**
 * The public archive page: releases newest first, each linking to its web version, with links to
 * older pages and to the feeds. `isFirstPage` decides whether a link back to the newest releases shows.
 * Links are absolute from `publicUrl`, like the links in emails, so they hold behind a path prefix.
 */
export function renderArchivePage(
  archive: ArchivePage,
  options: { organisationName: string; publicUrl: string; isFirstPage: boolean },
): string {
  const base = options.publicUrl.replace(/\/+$/, '');
  const entries = archive.releases.map((r) => {
    const lang = `lang="${escapeHtml(r.language)}"`;
    const summary = r.summary ? `\n<p ${lang}>${escapeHtml(r.summary)}</p>` : '';
    return `<li>
<h2 ${lang}><a href="${escapeHtml(`${base}/releases/${encodeURIComponent(r.id)}`)}">${escapeHtml(r.title)}</a></h2>
<p class="muted"><time datetime="${escapeHtml(r.publishedAt)}">${longDate(r.publishedAt)}</time></p>${summary}
</li>`;
  });
  const list = entries.length
    ? `<ul>\n${entries.join('\n')}\n</ul>`
    : `<p>${options.isFirstPage ? 'Nothing has been published yet.' : 'There are no older releases.'}</p>`;
  const pages = [
    options.isFirstPage ? '' : `<a href="${escapeHtml(`${base}/archive`)}">Newest releases</a>`,
    archive.next ? `<a href="${escapeHtml(`${base}/archive?before=${encodeURIComponent(archive.next)}`)}" rel="next">Older releases</a>` : '',
  ].filter(Boolean);
  const nav = pages.length ? `\n<nav aria-label="Archive pages"><p>${pages.join(' · ')}</p></nav>` : '';
  const feeds = [feedLinks(base, ALL_RELEASES_FEED, 'All releases'), ...archive.lists.map((l) => feedLinks(base, l.id, l.name))].join('\n');
  return page({
    title: 'Archive',
    lang: 'en',
    organisationName: options.organisationName,
    indexable: true,
    alternates: [
      { type: 'application/rss+xml', title: 'All releases (RSS)', href: `${base}/feeds/${ALL_RELEASES_FEED}.rss` },
      { type: 'application/atom+xml', title: 'All releases (Atom)', href: `${base}/feeds/${ALL_RELEASES_FEED}.atom` },
      { type: 'application/feed+json', title: 'All releases (JSON Feed)', href: `${base}/feeds/${ALL_RELEASES_FEED}.json` },
    ],
    body: `${list}${nav}
<h2>Feeds</h2>
<ul>
${feeds}
</ul>`,
  });
}
