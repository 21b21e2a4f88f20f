/**
 * A release's translations: the same release in other languages, each with its own title, summary
 * and body. The release's own language stays its canonical version (feeds, social posts, the
 * `RENDERED` email); each reader gets the version in their language when there is one.
 */
import type { Release } from './release';

/** A translation as stored: its body sanitised at publish like the release's own (sanitise.ts). */
export interface ReleaseTranslation {
  /** BCP 47 tag as given (`es`, `pt-BR`); never the release's own language. */
  language: string;
  title: string;
  summary?: string;
  /** Canonical (sanitised) body; `html`/`markdown` as they arrived are not kept once it is. */
  body?: string;
  html?: string;
  markdown?: string;
}

/** The primary subtag of a language tag, lower-cased: `es-MX` → `es`. */
export const primarySubtag = (tag: string): string => tag.split('-')[0]!.toLowerCase();

/**
 * The translation a reader of `readerLanguage` gets, if any: an exact tag match first
 * (case-insensitive), else the first translation with the same primary subtag. Undefined when the
 * reader has no language, or the release's own language already matches theirs.
 *
 * @example
 * translationFor({ language: 'en', translations: [{ language: 'es', title: 'Hola' }] }, 'es-MX')?.language; // 'es'
 * translationFor({ language: 'en', translations: [{ language: 'es', title: 'Hola' }] }, 'en-GB'); // undefined
 */
export function translationFor(
  release: Pick<Release, 'language' | 'translations'>,
  readerLanguage: string | undefined,
): ReleaseTranslation | undefined {
  const translations = release.translations ?? [];
  if (!readerLanguage || !translations.length) return undefined;
  const wanted = readerLanguage.toLowerCase();
  const exact = translations.find((t) => t.language.toLowerCase() === wanted);
  if (exact) return exact;
  // A reader whose language the release is written in reads the original, not a sibling variant.
  if (primarySubtag(release.language) === primarySubtag(wanted)) return undefined;
  return translations.find((t) => primarySubtag(t.language) === primarySubtag(wanted));
}

/**
 * The release as its translation into `language` reads: title, summary, body and language replaced,
 * everything else (id, url, lists, dates, tags) the release's own. The release itself when it has
 * no such translation, so callers can always render what this returns.
 *
 * @example
 * const spanish = releaseIn(release, 'es'); // spanish.title === 'Nuevo parque', spanish.language === 'es'
 */
export function releaseIn(release: Release, language: string | undefined): Release {
  const translation = translationFor(release, language);
  if (!translation) return release;
  const { summary: _own, html: _html, markdown: _markdown, ...rest } = release;
  return {
    ...rest,
    title: translation.title,
    ...(translation.summary ? { summary: translation.summary } : {}),
    ...(translation.body !== undefined ? { body: translation.body } : { html: translation.html, markdown: translation.markdown, body: undefined }),
    language: translation.language,
  };
}

/** Every version of a release, its own first: `[undefined, 'es', …]` (undefined: the release's own language). */
export function versionLanguages(release: Pick<Release, 'translations'>): (string | undefined)[] {
  return [undefined, ...(release.translations ?? []).map((t) => t.language)];
}

/** One language version of a release's web page, for `hreflang` alternates. */
export interface LanguageVersion {
  language: string;
  /** `/releases/{id}` for the release's own language, `/releases/{id}?lang={tag}` for a translation. */
  path: string;
}

/**
 * Every language version of a release's web page, its own first.
 *
 * @example
 * languageVersions({ id: 'r', language: 'en', translations: [{ language: 'es', title: 'Hola' }] });
 * // [{ language: 'en', path: '/releases/r' }, { language: 'es', path: '/releases/r?lang=es' }]
 */
export function languageVersions(release: Pick<Release, 'id' | 'language' | 'translations'>): LanguageVersion[] {
  const path = `/releases/${encodeURIComponent(release.id)}`;
  return [
    { language: release.language, path },
    ...(release.translations ?? []).map((t) => ({ language: t.language, path: `${path}?lang=${encodeURIComponent(t.language)}` })),
  ];
}
