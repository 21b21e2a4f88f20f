import type { Release } from './release';

/**
 * A release's canonical body (its sanitised HTML), for the readers of stored releases: feeds,
 * summaries, renders. Every release published since the body was kept carries it; one stored
 * before is sanitised here, by the publish path's own code loaded only then, so that a function
 * that only reads (the feeds, the social poster) never loads the sanitiser and Markdown parser.
 *
 * @example
 * await releaseBody(release); // '<p>Hello <strong>readers</strong>.</p>'
 */
export async function releaseBody(release: Pick<Release, 'body' | 'html' | 'markdown' | 'url'>): Promise<string> {
  if (release.body !== undefined) return release.body;
  const { releaseBodyHtml } = await import('./sanitise');
  return releaseBodyHtml(release);
}
