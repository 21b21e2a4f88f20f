import { firstSentence } from './first-sentence';
import type { Release } from './release';

/** Inbox previews show about this much: a preheader (release or welcome) longer than that is cut at a word with `…`. */
export const PREHEADER_MAX = 140;

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&amp;': '&' };

/**
 * Sanitised HTML as one line of plain text: tags dropped, the entities the sanitiser writes decoded.
 * Only for HTML that went through the sanitiser (no scripts or comments are left to trip on).
 */
export function plainTextOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(?:nbsp|lt|gt|quot|#39|amp);/g, (entity) => ENTITIES[entity])
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * What a release says in brief: its own summary, else the first sentence of its body (a heading
 * that only repeats the title is skipped). Cut at a word boundary with `…` past `max` characters.
 *
 * `body` is the release's canonical body (release-body.ts).
 *
 * @example
 * releaseSummary({ ...release, summary: undefined }, '<p>Dr. Smith ships it. More.</p>'); // 'Dr. Smith ships it.'
 */
export function releaseSummary(release: Pick<Release, 'summary' | 'title' | 'language'>, canonicalBody: string, max = 280): string {
  const own = release.summary?.trim();
  const body = plainTextOf(canonicalBody);
  const withoutTitle = body.startsWith(release.title) ? body.slice(release.title.length).trim() : body;
  const text = own || firstSentence(withoutTitle, release.language) || '';
  if ([...text].length <= max) return text;
  const cut = [...text].slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/u, '')}…`;
}

/** The first https image of a release's canonical body, for link cards; undefined when it has none. */
export function releaseImageUrl(canonicalBody: string): string | undefined {
  const src = /<img\b[^>]*\ssrc="(https:\/\/[^"]+)"/i.exec(canonicalBody)?.[1];
  return src?.replace(/&amp;/g, '&');
}
