import type { Clock } from '../ports';
import type { EmailRenderer, ReleaseStore } from './ports';
import { NotFoundError } from '../errors';
import { isPublic } from './release';
import { RecipientPlaceholder } from './rendered-email';

/**
 * The "view in browser" page of a release: the email's own HTML, with every recipient link replaced
 * by the public sign-up page so that the page, which anyone may open or share, carries nothing
 * personal.
 *
 * @throws NotFoundError for an unknown release, and for one still under embargo (the same answer,
 * so that a guessed id reveals nothing before the embargo ends).
 * @example
 * const html = await webVersion('spring-update', { releases, renderer, clock, publicUrl });
 */
export async function webVersion(
  releaseId: string,
  deps: { releases: ReleaseStore; renderer: EmailRenderer; clock: Clock; publicUrl: string },
): Promise<string> {
  const release = await deps.releases.get(releaseId);
  if (!release || !isPublic(release, deps.clock.now())) throw new NotFoundError(`No release "${releaseId}"`);
  // Normally rendered at publish; an older release rendered at fan-out may not be yet.
  const rendered = (await deps.releases.getRendered(release.id)) ?? (await deps.renderer.render(release));
  const signUp = `${deps.publicUrl.replace(/\/$/, '')}/subscribe`;
  return Object.values(RecipientPlaceholder).reduce((html, placeholder) => html.replaceAll(placeholder, signUp), rendered.html);
}
