import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../errors';
import { toFieldIssues } from '../field-issues';
import { forbiddenXmlCharacter } from '../xml-characters';
import { resolverOf, unknownListMessage, type TargetLists } from '../lists/list-resolver';

const noLineBreaks = (s: string) => !/[\r\n]/.test(s);

const isoDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone' });

const channelName = z.string().min(1).max(64);
const socialEntryInput = z
  .object({
    channel: channelName,
    at: isoDateTime.optional(),
    delayMinutes: z.number().int().min(0).max(60 * 24 * 30).optional(),
    text: z.string().trim().min(1, 'must not be empty').max(10_000).optional(),
  })
  .strict();

/**
 * `social` in a publish request. `channels` lists channel names or per-channel entries; absent, every
 * configured channel. `at` moves the first post; `staggerMinutes` spaces the channels out in order.
 *
 * @example
 * { "at": "2026-12-01T09:00:00Z", "staggerMinutes": 15, "channels": ["mastodon", { "channel": "x", "text": "Our own words" }] }
 */
const socialInput = z
  .object({
    channels: z.array(z.union([channelName, socialEntryInput])).max(20).optional(),
    at: isoDateTime.optional(),
    staggerMinutes: z.number().int().min(0).max(24 * 60).optional(),
  })
  .strict();

/**
 * What a release id may be. Ids become URL path segments, DynamoDB keys and Message-ID parts: keep
 * them boring. Exported for whoever derives ids (the CLI's `--from-url`).
 */
export const RELEASE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const RELEASE_ID_MAX_LENGTH = 128;

const LANGUAGE_TAG = /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/;
const languageTag = z.string().regex(LANGUAGE_TAG, 'must be a language tag such as en or es-MX');
const titleText = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(300)
  // A CR or LF in a title would become header injection in the Subject line.
  .refine(noLineBreaks, 'must not contain line breaks');
const bodyText = z.string().min(1).max(300_000);

/**
 * One entry of `translations`: the release in another language, its body given like the release's
 * own (one of `html` or `markdown`).
 *
 * @example
 * { "language": "es", "title": "Nuevo parque", "markdown": "Abrimos el parque." }
 */
const translationInput = z
  .object({
    language: languageTag,
    title: titleText,
    summary: z.string().trim().max(1000).optional(),
    html: bodyText.optional(),
    markdown: bodyText.optional(),
  })
  .strict()
  .superRefine(oneBody);

function oneBody(r: { html?: string; markdown?: string }, ctx: z.RefinementCtx) {
  if (r.html === undefined && r.markdown === undefined) {
    ctx.addIssue({ code: 'custom', path: ['html'], message: 'give either html or markdown' });
  }
  if (r.html !== undefined && r.markdown !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['markdown'], message: 'give html or markdown, not both' });
  }
}

/** At most this many translations: each is rendered at publish and stored with the release. */
export const MAX_TRANSLATIONS = 10;

const releaseInput = z
  .object({
    id: z
      .string()
      .min(1)
      .max(RELEASE_ID_MAX_LENGTH)
      .regex(RELEASE_ID, 'use letters, digits, dot, underscore and hyphen only'),
    title: titleText,
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
    html: bodyText.optional(),
    markdown: bodyText.optional(),
    lists: z
      .array(z.string().min(1).max(64))
      .min(1, 'name at least one list')
      .max(50),
    tags: z.array(z.string().trim().min(1).max(64).refine(noLineBreaks, 'must not contain line breaks')).max(30).optional(),
    summary: z.string().trim().max(1000).optional(),
    author: z.string().trim().max(200).refine(noLineBreaks, 'must not contain line breaks').optional(),
    publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
    language: languageTag.optional(),
    /** The release in other languages; each reader gets the one in their language (translations.ts). */
    translations: z.array(translationInput).max(MAX_TRANSLATIONS).optional(),
    embargoUntil: isoDateTime.optional(),
    social: socialInput.optional(),
    /**
     * Sent with a changed body for an existing id: what the correction changed, in staff's words
     * ("The date of the hearing was wrong"), shown with the release. Ignored on a first publish.
     */
    correction: z.string().trim().min(1, 'must not be empty').max(500).refine(noLineBreaks, 'must not contain line breaks').optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    oneBody(r, ctx);
    translationLanguageIssues(r.language ?? 'en', r.translations ?? []).forEach(({ index, message }) =>
      ctx.addIssue({ code: 'custom', path: ['translations', index, 'language'], message }),
    );
  });

/**
 * Each translation's language must differ from the release's own and from every other's, compared
 * case-insensitively: a reader is matched to one version, so two of the same language would be a
 * coin toss.
 */
function translationLanguageIssues(own: string, translations: readonly { language: string }[]): { index: number; message: string }[] {
  const issues: { index: number; message: string }[] = [];
  const seen = new Set<string>();
  for (const [index, { language }] of translations.entries()) {
    const tag = language.toLowerCase();
    if (tag === own.toLowerCase()) issues.push({ index, message: `"${language}" is the release's own language` });
    else if (seen.has(tag)) issues.push({ index, message: `"${language}" is translated twice` });
    seen.add(tag);
  }
  return issues;
}

export type ReleaseInput = z.infer<typeof releaseInput>;

/** How parsing checks a release against what exists: its lists and the configured social channels. */
export interface ReleaseContext {
  /** The lists a release may target: their ids, or a resolver that also takes their display names. */
  listIds: TargetLists;
  /** Configured social channels by name; `check` says why staff's text would not fit. */
  channels?: ReadonlyMap<string, { check(text: string): string | undefined }>;
  /** Now, for the dates' bounds (see {@link DATE_BOUNDS}); publishing and previews always give it. */
  now?: Date;
}

const DAY_MS = 86_400_000;
/**
 * How far release dates may reach. Feeds sort by `publishedAt`, so a release dated 9999 would sit
 * at the top of every feed for ever; a day ahead allows for clocks and time zones. Nothing needs
 * an embargo or a scheduled post more than a year away.
 */
export const DATE_BOUNDS = {
  earliestPublishedAt: new Date('1990-01-01T00:00:00Z'),
  publishedAtAheadMs: DAY_MS,
  scheduleAheadMs: 365 * DAY_MS,
};

/**
 * Validates a publish request body and checks its lists against the lists that exist. A list may
 * be named by its id or its display name (a CMS tag such as "Press Releases"); the input returned
 * names each by its id.
 *
 * @throws ValidationError naming every bad field.
 * @example
 * const input = parseReleaseInput(JSON.parse(body), { listIds: new Set(['blog']), channels, now: clock.now() });
 */
export function parseReleaseInput(body: unknown, context: ReleaseContext | ReadonlySet<string>): ReleaseInput {
  const { listIds: knownLists, channels, now } = context instanceof Set ? { listIds: context, channels: undefined, now: undefined } : (context as ReleaseContext);
  const parsed = releaseInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid release');
  const lists = resolverOf(knownLists).resolve(parsed.data.lists);
  const issues: FieldIssue[] = [
    ...forbiddenCharacterIssues(parsed.data, []),
    ...lists.unknown.map((unknown) => ({ field: `lists.${unknown.index}`, message: unknownListMessage(unknown) })),
  ];
  if (channels) issues.push(...socialIssues(parsed.data.social, channels));
  if (now) issues.push(...dateIssues(parsed.data, now));
  if (issues.length) throw new ValidationError(issues, 'Invalid release');
  return { ...parsed.data, lists: lists.ids };
}

/**
 * Every text field of a release ends up in the RSS and Atom feeds, where XML 1.0 cannot carry some
 * characters at all: refused here, in whichever field, so that no feed is ever broken by one.
 */
function* forbiddenCharacterIssues(value: unknown, path: (string | number)[]): Generator<FieldIssue> {
  if (typeof value === 'string') {
    const found = forbiddenXmlCharacter(value);
    if (found) yield { field: path.join('.'), message: `must not contain the control character ${found} (feeds could not carry it)` };
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) yield* forbiddenCharacterIssues(item, [...path, i]);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* forbiddenCharacterIssues(item, [...path, key]);
  }
}

function dateIssues(input: ReleaseInput, now: Date): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
  const publishedAt = at(input.publishedAt);
  if (publishedAt !== undefined && publishedAt > now.getTime() + DATE_BOUNDS.publishedAtAheadMs) {
    issues.push({ field: 'publishedAt', message: 'must not be more than a day in the future' });
  }
  if (publishedAt !== undefined && publishedAt < DATE_BOUNDS.earliestPublishedAt.getTime()) {
    issues.push({ field: 'publishedAt', message: 'must not be before 1990' });
  }
  const scheduled: [string, number | undefined][] = [
    ['embargoUntil', at(input.embargoUntil)],
    ['social.at', at(input.social?.at)],
    ...(input.social?.channels ?? []).map((entry, i): [string, number | undefined] => [`social.channels.${i}.at`, typeof entry === 'string' ? undefined : at(entry.at)]),
  ];
  for (const [field, time] of scheduled) {
    if (time !== undefined && time > now.getTime() + DATE_BOUNDS.scheduleAheadMs) issues.push({ field, message: 'must not be more than a year ahead' });
  }
  return issues;
}

function socialIssues(social: ReleaseInput['social'], channels: NonNullable<ReleaseContext['channels']>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of (social?.channels ?? []).entries()) {
    const { channel, text } = typeof entry === 'string' ? { channel: entry, text: undefined } : entry;
    const field = `social.channels.${i}`;
    const configured = channels.get(channel);
    if (!configured) {
      const known = [...channels.keys()];
      issues.push({ field, message: `unknown channel "${channel}"${known.length ? ` (configured: ${known.join(', ')})` : ' (none configured)'}` });
    } else if (text !== undefined) {
      const problem = configured.check(text);
      if (problem) issues.push({ field: `${field}.text`, message: `${channel} would refuse this text: ${problem}` });
    }
    if (seen.has(channel)) issues.push({ field, message: `channel "${channel}" is listed twice` });
    seen.add(channel);
  }
  return issues;
}
