import type { EmailRenderer } from './ports';
import { newRelease, type Release } from './release';
import { parseReleaseInput } from './release-input';
import type { TargetLists } from '../lists/list-resolver';
import type { RenderedEmail } from './rendered-email';
import type { Finding } from './finding';
import { preflight } from './preflight';
import { withBody } from './sanitise';

export interface RenderedRelease {
  release: Release;
  rendered: RenderedEmail;
  findings: Finding[];
}

/**
 * Renders a release and lints the result; shared by the preview endpoint, publishing and the
 * digest. The body is sanitised once, here, and the release comes back carrying it.
 */
export async function renderAndCheck(input: Release, renderer: EmailRenderer): Promise<RenderedRelease> {
  const release = withBody(input);
  const rendered = await renderer.render(release);
  return { release, rendered, findings: preflight(release, rendered, release.body) };
}

/**
 * Renders a release from a publish body without storing or sending anything.
 *
 * @throws ValidationError naming each bad field.
 * @example
 * const { rendered, findings } = await previewRelease(body, { renderer, listIds, now: new Date() });
 */
export async function previewRelease(
  body: unknown,
  deps: { renderer: EmailRenderer; listIds: TargetLists; now: Date },
): Promise<RenderedRelease> {
  return renderAndCheck(newRelease(parseReleaseInput(body, { listIds: deps.listIds, now: deps.now }), deps.now), deps.renderer);
}
