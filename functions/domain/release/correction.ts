import type { Release } from './release';
import { revisionOf } from './release';
import type { ReleaseInput } from './release-input';

/**
 * The fields of a release a correction may change: what readers see of it. Everything else (its
 * lists, dates, embargo, social plan) stays as published, because emails and posts may already
 * have gone out on its strength.
 */
export const CORRECTABLE_FIELDS = ['title', 'url', 'body', 'summary', 'tags', 'author', 'translations', 'correctionNote'] as const;
export type CorrectableField = (typeof CORRECTABLE_FIELDS)[number];

/** Fields a republished body may carry that a correction leaves as they were. */
const FIXED_FIELDS = ['lists', 'language', 'publishedAt', 'embargoUntil'] as const;

/** One revision of a release's content (GET /admin/releases/{id} lists them, newest first). */
export interface ReleaseRevision {
  releaseId: string;
  revision: number;
  /** When this revision became the release's content (published, or corrected). */
  at: string;
  title: string;
  url: string;
  body: string;
  summary?: string;
  tags: string[];
  author?: string;
  correctionNote?: string;
  /** The fields this revision changed from the one before; empty for the first. */
  changed: string[];
  /** The staff member who published or corrected it from the console, when it was one. */
  by?: string;
}

/** What {@link correctionOf} finds: the corrected release, and what it leaves as it was. */
export interface Correction {
  /** The release with the new content, one revision on. */
  release: Release & { body: string };
  changed: CorrectableField[];
  /** Fixed fields the new body tried to change: they keep their published values. */
  ignored: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const orUndefined = (text: string | undefined) => (text ? text : undefined);

/**
 * Compares a republished release with the stored one. Pure. Returns undefined when the content is
 * the same (a plain duplicate), else the corrected release one revision on. The candidate carries
 * its canonical (sanitised) body, so two bodies that sanitise alike are the same body.
 *
 * @example
 * const correction = correctionOf(stored, withBody(newRelease(input, now)), input, now);
 * correction?.release.revision; // 2
 */
export function correctionOf(
  stored: Release & { body: string },
  candidate: Pick<Release, 'title' | 'url' | 'summary' | 'tags' | 'author' | 'translations'> & { body: string },
  input: Pick<ReleaseInput, 'correction' | 'lists' | 'language' | 'publishedAt' | 'embargoUntil' | 'translations'>,
  now: Date,
  by?: string,
): Correction | undefined {
  const proposed = {
    title: candidate.title,
    url: candidate.url,
    body: candidate.body,
    summary: orUndefined(candidate.summary),
    tags: candidate.tags,
    author: orUndefined(candidate.author),
    // A set given replaces the stored one (`[]` removes them all); none given keeps them, because a CMS
    // or feed source that knows nothing of translations must not wipe those staff added.
    translations: input.translations === undefined ? stored.translations : candidate.translations?.length ? candidate.translations : undefined,
  };
  const changed: CorrectableField[] = (Object.keys(proposed) as (keyof typeof proposed)[]).filter((field) =>
    field === 'translations' ? !same(translationsKey(stored.translations), translationsKey(proposed.translations)) : !same(orUndefinedAny(stored[field]), proposed[field]),
  );
  // A note alone is no correction: a CMS resending the same post with the same note is a duplicate.
  if (!changed.length) return undefined;
  if (input.correction !== undefined) changed.push('correctionNote');
  const { correctionNote: _previousNote, correctedBy: _previousBy, ...kept } = stored;
  return {
    release: {
      ...kept,
      ...proposed,
      ...(input.correction !== undefined ? { correctionNote: input.correction } : {}),
      ...(by ? { correctedBy: by } : {}),
      correctedFields: changed,
      revision: revisionOf(stored) + 1,
      updatedAt: now.toISOString(),
    },
    changed,
    ignored: FIXED_FIELDS.filter((field) => input[field] !== undefined && !same(fixedValue(stored, field), fixedValue(input, field))),
  };
}

/** Translations as compared: a stored map's key order is DynamoDB's, not ours. */
function translationsKey(translations: Release['translations']): unknown {
  return translations?.length ? translations.map((t) => [t.language, t.title, t.summary || null, t.body ?? null]) : undefined;
}

function orUndefinedAny(value: unknown): unknown {
  return value === '' ? undefined : value;
}

/** A fixed field as compared: list order and a date's spelling are not changes. */
function fixedValue(from: Partial<Record<(typeof FIXED_FIELDS)[number], unknown>>, field: (typeof FIXED_FIELDS)[number]): unknown {
  const value = from[field];
  if (field === 'lists') return [...((value as string[] | undefined) ?? [])].sort();
  if (field === 'publishedAt' || field === 'embargoUntil') return value === undefined ? undefined : Date.parse(value as string);
  return value;
}

/**
 * The revision record of a release's current content, kept when a correction replaces it.
 *
 * @example
 * revisionRecord(release); // { releaseId, revision: 1, at: release.receivedAt, title, …, changed: [] }
 */
export function revisionRecord(release: Release & { body: string }): ReleaseRevision {
  return {
    releaseId: release.id,
    revision: revisionOf(release),
    at: release.updatedAt ?? release.receivedAt,
    title: release.title,
    url: release.url,
    body: release.body,
    ...(release.summary ? { summary: release.summary } : {}),
    tags: release.tags,
    ...(release.author ? { author: release.author } : {}),
    ...(release.correctionNote ? { correctionNote: release.correctionNote } : {}),
    changed: release.correctedFields ?? [],
    ...((release.correctedBy ?? (revisionOf(release) === 1 ? release.publishedBy : undefined)) ? { by: release.correctedBy ?? release.publishedBy } : {}),
  };
}
