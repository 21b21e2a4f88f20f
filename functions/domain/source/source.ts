import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../errors';
import { toFieldIssues } from '../field-issues';
import type { ListResolver } from '../lists/list-resolver';

/** Where a source's posts come from: a feed Pressroom polls, or Ghost's webhooks. */
export const SourceKind = { Feed: 'feed', Ghost: 'ghost' } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** What happens to a new post: published at once, or held as a draft for staff to publish. */
export const SourceMode = { Send: 'send', Hold: 'hold' } as const;
export type SourceMode = (typeof SourceMode)[keyof typeof SourceMode];

/** How the last poll of a feed ended. */
export const PollStatus = { Ok: 'ok', NotModified: 'not-modified', Failed: 'failed' } as const;
export type PollStatus = (typeof PollStatus)[keyof typeof PollStatus];

/** The category (or tag) name that maps every post none of the others matched. */
export const DEFAULT_CATEGORY = '*';

export const POLL_MINUTES = { default: 10, min: 5, max: 24 * 60 };

export interface Source {
  id: string;
  kind: SourceKind;
  /** Staff's name for it; the feed's own title until they give one. */
  name?: string;
  /** The feed's address (feed sources). */
  url?: string;
  /** Category or tag name (as the CMS writes it) → list id; {@link DEFAULT_CATEGORY} for the rest. */
  lists: Record<string, string>;
  mode: SourceMode;
  pollMinutes: number;
  /** Ghost sources: the secret Ghost signs with (shown to staff once, at registration). */
  secret?: string;
  createdAt: string;
  createdBy?: string;
  updatedAt: string;
  /** Set once the first poll has marked what the feed already held as seen (nothing of it is sent). */
  primedAt?: string;
  /** When the schedule next polls it. */
  nextPollAt?: string;
  lastPolledAt?: string;
  lastPollStatus?: PollStatus;
  /** Why the last poll failed, in words staff can act on; cleared by the next good poll. */
  lastError?: string;
  /** The feed's validators, for the next conditional request. */
  etag?: string;
  lastModified?: string;
  /** The feed's language, when it says; releases from it are in that language. */
  language?: string;
  /** Posts known from this source. */
  itemsSeen: number;
  /** Removed by staff: kept so that Ghost is told 410 (and removes its webhook). */
  deletedAt?: string;
}

const categoryName = z.string().trim().min(1, 'must not be empty').max(64);
const listsMap = z.record(categoryName, z.string().trim().min(1).max(128)).refine((m) => Object.keys(m).length > 0, 'map at least one category or "*" to a list');

const sourceFields = {
  name: z.string().trim().min(1).max(120).optional(),
  url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }).max(2000).optional(),
  lists: listsMap,
  mode: z.enum([SourceMode.Send, SourceMode.Hold], { error: 'must be "send" (publish new posts) or "hold" (keep them as drafts)' }),
  pollMinutes: z
    .number({ error: 'must be a number of minutes' })
    .int('must be a whole number of minutes')
    .min(POLL_MINUTES.min, `at least ${POLL_MINUTES.min} minutes (feeds rarely change faster, and sites count requests)`)
    .max(POLL_MINUTES.max, `at most ${POLL_MINUTES.max} minutes (once a day)`)
    .optional(),
};

const newSourceInput = z
  .object({ kind: z.enum([SourceKind.Feed, SourceKind.Ghost]).default(SourceKind.Feed), ...sourceFields })
  .strict();
const sourcePatch = z.object({ ...sourceFields, lists: listsMap.optional(), mode: sourceFields.mode.optional() }).strict();

export type NewSourceInput = z.infer<typeof newSourceInput>;
export type SourcePatch = z.infer<typeof sourcePatch>;

/**
 * Validates a new source (POST /admin/sources) and resolves its lists to ids.
 *
 * @throws ValidationError naming each bad field, and each list that does not exist.
 * @example
 * parseNewSource({ url: 'https://example.org/feed/', lists: { Blog: 'blog', '*': 'news' }, mode: 'send' }, resolve);
 */
export function parseNewSource(body: unknown, resolve: ListResolver): NewSourceInput {
  const parsed = newSourceInput.safeParse(body);
  // Checked beside the schema, so that one answer names every field to fix.
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const kind = fields.kind ?? SourceKind.Feed;
  const issues: FieldIssue[] = parsed.success ? [] : toFieldIssues(parsed.error);
  if (kind === SourceKind.Feed && fields.url === undefined) issues.push({ field: 'url', message: "give the feed's address" });
  if (kind === SourceKind.Ghost && fields.url !== undefined) issues.push({ field: 'url', message: 'a Ghost source has no URL: Ghost calls Pressroom' });
  // Lists are checked against what exists even when another field is wrong: one answer names all.
  const typedLists = fields.lists && typeof fields.lists === 'object' ? Object.entries(fields.lists as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string') : [];
  issues.push(...listIssues(Object.fromEntries(typedLists), resolve));
  if (!parsed.success || issues.length) throw new ValidationError(issues, 'Invalid source');
  return { ...parsed.data, lists: resolveLists(parsed.data.lists, resolve) };
}

/**
 * Validates a change to a source (PATCH /admin/sources/{id}).
 *
 * @throws ValidationError naming each bad field.
 */
export function parseSourcePatch(body: unknown, kind: SourceKind, resolve: ListResolver): SourcePatch {
  const parsed = sourcePatch.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid source');
  if (kind === SourceKind.Ghost && parsed.data.url) throw new ValidationError([{ field: 'url', message: 'a Ghost source has no URL' }], 'Invalid source');
  return { ...parsed.data, ...(parsed.data.lists ? { lists: resolveLists(parsed.data.lists, resolve) } : {}) };
}

function listIssues(lists: Record<string, string>, resolve: ListResolver): FieldIssue[] {
  return Object.entries(lists).flatMap(([category, typed]) => {
    const { ids, unknown: [missing] } = resolve.resolve([typed.trim()]);
    return ids.length ? [] : [{ field: `lists.${category}`, message: `unknown list "${typed}"${missing?.hint ? `; ${missing.hint}` : ''}` }];
  });
}

function resolveLists(lists: Record<string, string>, resolve: ListResolver): Record<string, string> {
  const issues = listIssues(lists, resolve);
  if (issues.length) throw new ValidationError(issues, 'Invalid source');
  return Object.fromEntries(Object.entries(lists).map(([category, typed]) => [category, resolve.resolve([typed])!.ids[0]]));
}

/**
 * A new source's id: short, random, and within the release id pattern, since every release from
 * the source starts with it.
 *
 * @example
 * newSourceId(); // 'src-3f9a1c2b'
 */
export const newSourceId = (random: string = randomBytes(4).toString('hex')): string => `src-${random}`;

/** A Ghost webhook secret: printable, since staff paste it into Ghost Admin, which uses it as text. */
export const newGhostSecret = (): string => randomBytes(24).toString('base64url');

/** The source as staff see it: everything but the secret. */
export type SourceView = Omit<Source, 'secret' | 'etag' | 'lastModified'>;

export function sourceView(source: Source): SourceView {
  const { secret: _secret, etag: _etag, lastModified: _lastModified, ...view } = source;
  return view;
}
