import { randomBytes } from 'node:crypto';
import { ValidationError, type FieldIssue } from '../errors';

/** How the body of a draft is written; the publish body carries it as `markdown` or `html`. */
export const BodyFormat = { Markdown: 'markdown', Html: 'html' } as const;
export type BodyFormat = (typeof BodyFormat)[keyof typeof BodyFormat];

/** One configured channel in a draft's social plan: whether it posts, and staff's own text if any. */
export interface DraftSocialEntry {
  channel: string;
  enabled: boolean;
  text?: string;
}

/** One translation in a draft: the release in another language, its body in the draft's format. */
export interface DraftTranslation {
  language: string;
  title: string;
  summary?: string;
  body: string;
}

/** What staff write in the compose form. Checked in full only when previewed or published. */
export interface DraftFields {
  title: string;
  format: BodyFormat;
  body: string;
  summary?: string;
  lists: string[];
  tags: string[];
  language: string;
  /** ISO 8601 in UTC; absent when the release is public once published. */
  embargoUntil?: string;
  social: DraftSocialEntry[];
  /** The post's own page, for a draft a feed source held (absent: the release's web version). */
  url?: string;
  author?: string;
  /** ISO 8601: when the held post was published on its site. */
  publishedAt?: string;
  /** The release in other languages (domain/release/translations.ts); absent when there are none. */
  translations?: DraftTranslation[];
}

/**
 * A release not yet published: kept apart from releases (its own items, never on the feeds' index),
 * so nothing public and no send can see it. Its id becomes the release's id at publish, which makes a
 * second publish of the same draft the same release (publishing is idempotent by release id).
 */
export interface Draft {
  id: string;
  fields: DraftFields;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

/**
 * DynamoDB keeps items up to 400 KB: the body may take most of it, the rest stays small. The publish
 * path bounds the stored body again once sanitised (publish-release.ts MAX_BODY_BYTES).
 */
export const DRAFT_LIMITS = { bodyBytes: 300_000, title: 300, summary: 1000, tags: 30, tag: 64, socialText: 10_000 };

/**
 * Checks what a draft must be to be kept at all: a title, a body within the item size, and bounded
 * fields. Lists, channels and dates are checked against what exists when it is previewed or published.
 *
 * @throws ValidationError naming each bad field.
 * @example
 * checkDraftFields({ title: 'Spring update', format: 'markdown', body: '# Hi', lists: ['blog'], tags: [], language: 'en', social: [] });
 */
export function checkDraftFields(fields: DraftFields): DraftFields {
  const issues: FieldIssue[] = [];
  if (!fields.title.trim()) issues.push({ field: 'title', message: 'must not be empty' });
  if (fields.title.length > DRAFT_LIMITS.title) issues.push({ field: 'title', message: `at most ${DRAFT_LIMITS.title} characters` });
  if (!Object.values(BodyFormat).includes(fields.format)) issues.push({ field: 'format', message: 'must be markdown or html' });
  if (Buffer.byteLength(fields.body) > DRAFT_LIMITS.bodyBytes) issues.push({ field: 'body', message: `at most ${DRAFT_LIMITS.bodyBytes / 1000} KB` });
  // The draft is one item too: its translations share the body's room.
  const translated = (fields.translations ?? []).reduce((sum, t) => sum + Buffer.byteLength(t.body) + Buffer.byteLength(t.title) + Buffer.byteLength(t.summary ?? ''), 0);
  if (translated && Buffer.byteLength(fields.body) + translated > DRAFT_LIMITS.bodyBytes) issues.push({ field: 'translations', message: `the body and translations at most ${DRAFT_LIMITS.bodyBytes / 1000} KB together` });
  if ((fields.translations ?? []).length > 10) issues.push({ field: 'translations', message: 'at most 10 translations' });
  if ((fields.summary ?? '').length > DRAFT_LIMITS.summary) issues.push({ field: 'summary', message: `at most ${DRAFT_LIMITS.summary} characters` });
  if (fields.tags.length > DRAFT_LIMITS.tags) issues.push({ field: 'tags', message: `at most ${DRAFT_LIMITS.tags} tags` });
  if (fields.tags.some((t) => t.length > DRAFT_LIMITS.tag)) issues.push({ field: 'tags', message: `each tag at most ${DRAFT_LIMITS.tag} characters` });
  if (fields.lists.length > 50) issues.push({ field: 'lists', message: 'at most 50 lists' });
  if (fields.embargoUntil !== undefined && Number.isNaN(Date.parse(fields.embargoUntil))) issues.push({ field: 'embargoUntil', message: 'must be a date and time' });
  for (const entry of fields.social) {
    if ((entry.text ?? '').length > DRAFT_LIMITS.socialText) issues.push({ field: `social.${entry.channel}`, message: `at most ${DRAFT_LIMITS.socialText} characters` });
  }
  if (fields.social.length > 20) issues.push({ field: 'social', message: 'at most 20 channels' });
  if (issues.length) throw new ValidationError(issues, 'Invalid draft');
  return fields;
}

/**
 * A new draft's id, which is also the release's: the title's words (for staff reading ids) and a
 * random part (two drafts of the same title stay apart), within the release id pattern.
 *
 * @example
 * newDraftId('Spring update: 2.0!'); // 'spring-update-2-0-3f9a1c2b'
 */
export function newDraftId(title: string, random: string = randomBytes(4).toString('hex')): string {
  const words = title
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '');
  return `${words || 'release'}-${random}`;
}

/**
 * The publish request body a draft stands for: exactly what the webhook would receive, so that
 * publishing a draft runs the same validation, preflight and scheduling. Its URL is the release's
 * own web version (a console release has no CMS page), or the post's page for a draft a feed held.
 *
 * @example
 * publishBodyOf(draft, 'https://news.example.org'); // { id, title, url: 'https://news.example.org/releases/<id>', markdown, lists, … }
 */
export function publishBodyOf(draft: Pick<Draft, 'id' | 'fields'>, publicUrl: string): Record<string, unknown> {
  const f = draft.fields;
  const summary = f.summary?.trim();
  return {
    id: draft.id,
    title: f.title,
    url: f.url ?? `${publicUrl.replace(/\/$/, '')}/releases/${encodeURIComponent(draft.id)}`,
    ...(f.author ? { author: f.author } : {}),
    ...(f.publishedAt ? { publishedAt: f.publishedAt } : {}),
    [f.format]: f.body,
    lists: f.lists,
    tags: f.tags,
    ...(summary ? { summary } : {}),
    language: f.language,
    ...(f.embargoUntil ? { embargoUntil: f.embargoUntil } : {}),
    ...(f.translations?.length
      ? { translations: f.translations.map((t) => ({ language: t.language, title: t.title, ...(t.summary?.trim() ? { summary: t.summary.trim() } : {}), [f.format]: t.body })) }
      : {}),
    // Every configured channel is in the form: the plan names the ones left on, in the form's order.
    social: { channels: f.social.filter((e) => e.enabled).map((e) => (e.text?.trim() ? { channel: e.channel, text: e.text.trim() } : e.channel)) },
  };
}
