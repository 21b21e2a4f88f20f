import type { Clock } from '../ports';
import type { EmailRenderer, ReleaseStore } from './ports';
import { NotFoundError } from '../errors';
import { isPublic, ReleaseKind, type Release } from './release';
import { releaseBody } from './release-body';
import { releaseImageUrl, releaseSummary } from './release-summary';
import { RECIPIENT_LINKS, RecipientPlaceholder } from './rendered-email';
import { StoredListNames } from '../lists/list-names';
import type { ListReader } from '../lists/ports';
import { memberOf } from '../mail/sender';
import { languageVersions, releaseIn, type LanguageVersion } from './translations';

/** Characters of the summary a link card shows (Open Graph descriptions are cut around here). */
const CARD_SUMMARY_MAX = 200;

/**
 * What the web version of a release shows. A release is a web page of its own (its sanitised body,
 * with what a shared link's card needs); a digest is still its email, whose whole content is a list
 * of links to releases, so a page of its own would say nothing more.
 */
export type WebVersion =
  | { kind: 'page'; release: Release; body: string; summary: string; imageUrl?: string; versions: LanguageVersion[]; translated: boolean }
  | { kind: 'email'; html: string };

/**
 * The web version of a release, behind every email's "view in browser" link: the release as a page
 * anyone may open or share, carrying nothing personal.
 *
 * @throws NotFoundError for an unknown release, and for one still under embargo (the same answer,
 * so that a guessed id reveals nothing before the embargo ends).
 * @example
 * const version = await webVersion('spring-update', { releases, renderer, clock, publicUrl });
 * if (version.kind === 'page') version.summary; // 'We ship the spring update today.'
 */
export async function webVersion(
  releaseId: string,
  deps: { releases: ReleaseStore; renderer: EmailRenderer; clock: Clock; publicUrl: string; lists: Pick<ListReader, 'get'> },
  language?: string,
): Promise<WebVersion> {
  const original = await deps.releases.get(releaseId);
  if (!original || !isPublic(original, deps.clock.now())) throw new NotFoundError(`No release "${releaseId}"`);
  if (original.kind === ReleaseKind.Digest) return { kind: 'email', html: await digestEmail(original, deps) };
  // `?lang=` picks a translation like a reader's language picks their email (es-MX → es); a language
  // the release has no translation into shows the release's own version.
  const release = releaseIn(original, language);
  const body = await releaseBody(release);
  const imageUrl = releaseImageUrl(body);
  return {
    kind: 'page',
    release,
    body,
    summary: releaseSummary(release, body, CARD_SUMMARY_MAX),
    ...(imageUrl ? { imageUrl } : {}),
    versions: languageVersions(original),
    translated: release !== original,
  };
}

/** A digest's email with every recipient link replaced by the public sign-up page, its footer naming all its lists. */
async function digestEmail(release: Release, deps: { releases: ReleaseStore; renderer: EmailRenderer; publicUrl: string; lists: Pick<ListReader, 'get'> }): Promise<string> {
  // Normally rendered at publish; an older digest rendered at fan-out may not be yet.
  const rendered = (await deps.releases.getRendered(release.id)) ?? (await deps.renderer.render(release));
  const signUp = `${deps.publicUrl.replace(/\/$/, '')}/subscribe`;
  const names = await memberOf(release.lists, release.language, new StoredListNames(deps.lists));
  return RECIPIENT_LINKS.reduce((html, placeholder) => html.replaceAll(placeholder, signUp), rendered.html)
    .replaceAll(RecipientPlaceholder.ListNames, names.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}
