import type { EmailRenderer } from './ports';
import { newRelease, type Release } from './release';
import { parseReleaseInput } from './release-input';
import type { TargetLists } from '../lists/list-resolver';
import type { RenderedEmail } from './rendered-email';
import type { Finding } from './finding';
import { preflight } from './preflight';
import { withBody } from './sanitise';
import { releaseIn } from './translations';

export interface RenderedRelease {
  release: Release;
  /** The email in the release's own language. */
  rendered: RenderedEmail;
  /** The email of each translation, in the release's order of translations. */
  translated: { language: string; rendered: RenderedEmail }[];
  findings: Finding[];
}

/**
 * Renders a release, and each of its translations with the chrome in that language, and lints the
 * results; shared by the preview endpoint, publishing and the digest. Bodies are sanitised once,
 * here, and the release comes back carrying them. A translation's findings name its language.
 */
export async function renderAndCheck(input: Release, renderer: EmailRenderer): Promise<RenderedRelease> {
  const release = withBody(input);
  const rendered = await renderer.render(release);
  const findings = preflight(release, rendered, release.body);
  const translated: RenderedRelease['translated'] = [];
  for (const { language } of release.translations ?? []) {
    const version = releaseIn(release, language);
    const email = await renderer.render(version);
    translated.push({ language, rendered: email });
    findings.push(...preflight(version, email, version.body ?? '').map((f) => ({ ...f, message: `${language}: ${f.message}` })));
  }
  return { release, rendered, translated, findings };
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
