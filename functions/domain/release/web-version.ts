import type { Clock } from '../ports';
import type { EmailRenderer, ReleaseStore } from './ports';
import { NotFoundError } from '../errors';
import { isPublic } from './release';
import { RECIPIENT_LINKS, RecipientPlaceholder } from './rendered-email';
import { StoredListNames } from '../lists/list-names';
import type { ListReader } from '../lists/ports';
import { memberOf } from '../mail/sender';

/**
 * The "view in browser" page of a release: the email's own HTML, with every recipient link replaced
 * by the public sign-up page so that the page, which anyone may open or share, carries nothing
 * personal; the footer names all the release's lists.
 *
 * @throws NotFoundError for an unknown release, and for one still under embargo (the same answer,
 * so that a guessed id reveals nothing before the embargo ends).
 * @example
 * const html = await webVersion('spring-update', { releases, renderer, clock, publicUrl });
 */
export async function webVersion(
  releaseId: string,
  deps: { releases: ReleaseStore; renderer: EmailRenderer; clock: Clock; publicUrl: string; lists: Pick<ListReader, 'get'> },
): Promise<string> {
  const release = await deps.releases.get(releaseId);
  if (!release || !isPublic(release, deps.clock.now())) throw new NotFoundError(`No release "${releaseId}"`);
  // Normally rendered at publish; an older release rendered at fan-out may not be yet.
  const rendered = (await deps.releases.getRendered(release.id)) ?? (await deps.renderer.render(release));
  const signUp = `${deps.publicUrl.replace(/\/$/, '')}/subscribe`;
  const names = await memberOf(release.lists, release.language, new StoredListNames(deps.lists));
  return RECIPIENT_LINKS.reduce((html, placeholder) => html.replaceAll(placeholder, signUp), rendered.html)
    .replaceAll(RecipientPlaceholder.ListNames, names.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'));
}
