import * as z from 'zod';
import { ValidationError, type FieldIssue } from '../errors';
import type { Finding } from './finding';

/**
 * A release's email send:
 *
 * ```
 * queued ──fan-out starts──▶ sending ──every planned delivery ended──▶ sent
 *    │                         │
 *    └──pause──▶ paused ◀──pause┘      paused ──resume──▶ the status it was paused from
 *                                      (sending once planning finished)
 * queued | sending | paused ──cancel──▶ cancelled        any unfinished ──error──▶ failed
 * ```
 *
 * `sent`, `cancelled` and `failed` are final. Every move is a conditional write in the release
 * store; the moves themselves live in `delivery/control-send.ts` (and the fan-out's start).
 */
export const SendStatus = {
  Queued: 'queued',
  Sending: 'sending',
  Sent: 'sent',
  Paused: 'paused',
  Cancelled: 'cancelled',
  Failed: 'failed',
} as const;
export type SendStatus = (typeof SendStatus)[keyof typeof SendStatus];

/** Who paused a send. */
export const PausedBy = {
  Staff: 'staff',
  Threshold: 'threshold',
} as const;
export type PausedBy = (typeof PausedBy)[keyof typeof PausedBy];

/** Statuses a send never leaves. */
export const FINAL_SEND_STATUSES: readonly SendStatus[] = [SendStatus.Sent, SendStatus.Cancelled, SendStatus.Failed];

/**
 * Strings the renderer leaves in the email where each recipient's own value goes. They are plain
 * ASCII with no characters that HTML, MJML minification, quoted-printable or html-to-text rewrite.
 */
export const RecipientPlaceholder = {
  UnsubscribeUrl: 'https://pressroom.invalid/__unsubscribe__',
  /** The recipient's own preference-centre link (signed, purpose `preferences`). */
  PreferencesUrl: 'https://pressroom.invalid/__preferences__',
} as const;

/** A release is a post or press release; a digest is the weekly email that sums releases up. */
export const ReleaseKind = {
  Release: 'release',
  Digest: 'digest',
} as const;
export type ReleaseKind = (typeof ReleaseKind)[keyof typeof ReleaseKind];

/** One release as the weekly digest shows it. */
export interface DigestItem {
  id: string;
  title: string;
  /** The release on the organisation's website. */
  url: string;
  summary: string;
  publishedAt: string;
}

/** What a digest sums up: the releases published in `[from, to)`. */
export interface DigestContent {
  from: string;
  to: string;
  items: DigestItem[];
}

export interface Release {
  id: string;
  /** Absent on releases stored before digests existed: those are releases. */
  kind?: ReleaseKind;
  /** Set on digests only. */
  digest?: DigestContent;
  title: string;
  url: string;
  /** The body as it arrived (HTML from a CMS or Markdown); not stored once `body` is. */
  html?: string;
  markdown?: string;
  /**
   * The canonical body: `html` or `markdown` sanitised once at publish (sanitise.ts), which the
   * email, the web version, the feeds and the social summaries all show. Absent on releases stored
   * before publishing kept it (release-body.ts sanitises those when read).
   */
  body?: string;
  lists: string[];
  tags: string[];
  summary?: string;
  author?: string;
  publishedAt: string;
  language: string;
  /**
   * Nothing about the release is public before this moment: no email, no social post, no web
   * version, feed entry or archive line. Absent when the release was public on arrival.
   */
  embargoUntil?: string;
  receivedAt: string;
  sendStatus: SendStatus;
  statusChangedAt: string;
  /** Kept when the send fails, so staff can see why. */
  sendError?: string;
  /** Set once, when the fan-out moved the send `queued → sending`. */
  sendStartedAt?: string;
  /** The fan-out enqueued its last job; `targeted` is then the number of deliveries planned. */
  planningFinishedAt?: string;
  /** Distinct (release, subscriber) deliveries the fan-out planned, recorded when planning finished. */
  targeted?: number;
  /** When the send reached a final status (`sent`, `cancelled`, `failed`). */
  finishedAt?: string;
  /** While `paused`: the status a resume returns to. */
  pausedFrom?: SendStatus;
  /** While `paused`: why, in words staff read (e.g. "bounce rate 6.2 % over 5 %"). */
  pausedReason?: string;
  /** While `paused`: whether staff paused it or a bounce/complaint threshold did. */
  pausedBy?: PausedBy;
  /** Staff resumed a send the thresholds had paused: the thresholds no longer pause it. */
  thresholdsOverriddenAt?: string;
  /** Preflight warnings found when the release was published. */
  warnings?: Finding[];
  /**
   * Which social channels get a summary, when, and with what text. Absent: every configured channel
   * as soon as the release is public.
   */
  social?: SocialPlanEntry[];
}

/** One channel's post in a release's social plan. */
export interface SocialPlanEntry {
  channel: string;
  /** When to post; never before the embargo ends. Absent: as soon as the release is public. */
  at?: string;
  /** Minutes after the release becomes public (or after `at` of the plan); for staggered posts. */
  delayMinutes?: number;
  /** Staff's own text for this channel, checked against the channel's rules at publish. */
  text?: string;
}

/**
 * Whether the release may be shown or sent at `now`: true once its embargo (if any) has passed.
 *
 * @example
 * isPublic({ embargoUntil: '2026-12-01T09:00:00.000Z' }, new Date('2026-11-30T00:00:00Z')); // false
 */
export function isPublic(release: Pick<Release, 'embargoUntil'>, now: Date): boolean {
  return !release.embargoUntil || Date.parse(release.embargoUntil) <= now.getTime();
}

/** Release fields a status move may write with the status; `null` removes the field. */
export type SendStatusChanges = {
  [K in 'finishedAt' | 'pausedFrom' | 'pausedReason' | 'pausedBy' | 'thresholdsOverriddenAt' | 'sendError']?: Release[K] | null;
};

export interface RenderedEmail {
  subject: string;
  /** Complete HTML document, with {@link RecipientPlaceholder}s still in it. */
  html: string;
  /** Plain-text alternative, with the same placeholders. */
  text: string;
}

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

// Release ids become URL path segments, DynamoDB keys and Message-ID parts: keep them boring.
const releaseInput = z
  .object({
    id: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, dot, underscore and hyphen only'),
    title: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(300)
      // A CR or LF in a title would become header injection in the Subject line.
      .refine(noLineBreaks, 'must not contain line breaks'),
    url: z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' }),
    html: z.string().min(1).max(300_000).optional(),
    markdown: z.string().min(1).max(300_000).optional(),
    lists: z
      .array(z.string().min(1).max(64))
      .min(1, 'name at least one list')
      .max(50),
    tags: z.array(z.string().trim().min(1).max(64).refine(noLineBreaks, 'must not contain line breaks')).max(30).optional(),
    summary: z.string().trim().max(1000).optional(),
    author: z.string().trim().max(200).refine(noLineBreaks, 'must not contain line breaks').optional(),
    publishedAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' }).optional(),
    language: z
      .string()
      .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as en or es-MX')
      .optional(),
    embargoUntil: isoDateTime.optional(),
    social: socialInput.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.html === undefined && r.markdown === undefined) {
      ctx.addIssue({ code: 'custom', path: ['html'], message: 'give either html or markdown' });
    }
    if (r.html !== undefined && r.markdown !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['markdown'], message: 'give html or markdown, not both' });
    }
  });

export type ReleaseInput = z.infer<typeof releaseInput>;

/** How parsing checks a release against what exists: its lists and the configured social channels. */
export interface ReleaseContext {
  /** Ids of the lists a release may target. */
  listIds: ReadonlySet<string>;
  /** Configured social channels by name; `check` says why staff's text would not fit. */
  channels?: ReadonlyMap<string, { check(text: string): string | undefined }>;
}

/** Converts zod issues into the domain's field issues. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join('.') : '(body)',
    message: issue.message,
  }));
}

/**
 * Validates a publish request body and checks its lists against the lists that exist.
 *
 * @throws ValidationError naming every bad field.
 * @example
 * const input = parseReleaseInput(JSON.parse(body), { listIds: new Set(['blog']), channels });
 */
export function parseReleaseInput(body: unknown, context: ReleaseContext | ReadonlySet<string>): ReleaseInput {
  const { listIds: knownLists, channels } = context instanceof Set ? { listIds: context, channels: undefined } : (context as ReleaseContext);
  const parsed = releaseInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid release');
  const issues: FieldIssue[] = parsed.data.lists
    .map((list, i) => ({ list, i }))
    .filter(({ list }) => !knownLists.has(list))
    .map(({ list, i }) => ({ field: `lists.${i}`, message: `unknown list "${list}"` }));
  if (channels) issues.push(...socialIssues(parsed.data.social, channels));
  if (issues.length) throw new ValidationError(issues, 'Invalid release');
  return { ...parsed.data, lists: [...new Set(parsed.data.lists)] };
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

/**
 * The release's social plan: one entry per channel with the time it is due. Channels are taken in
 * the order given; `staggerMinutes` puts each one that many minutes after the one before, unless the
 * entry names its own `at` or `delayMinutes`. Nothing is due before the release is public.
 *
 * @example
 * resolveSocialPlan({ social: { staggerMinutes: 10, channels: ['mastodon', 'x'] } }, ['mastodon', 'x', 'local'], publicAt)
 * // [{ channel: 'mastodon', at: publicAt }, { channel: 'x', at: publicAt + 10 min }]
 */
export function resolveSocialPlan(input: Pick<ReleaseInput, 'social'>, configured: readonly string[], publicAt: Date): SocialPlanEntry[] {
  const entries = (input.social?.channels ?? configured).map((entry) => (typeof entry === 'string' ? { channel: entry } : entry));
  const start = Math.max(publicAt.getTime(), input.social?.at ? Date.parse(input.social.at) : 0);
  const stagger = (input.social?.staggerMinutes ?? 0) * 60_000;
  return entries.map((entry, i) => {
    const planned = entry.at ? Date.parse(entry.at) : start + (entry.delayMinutes !== undefined ? entry.delayMinutes * 60_000 : i * stagger);
    const at = new Date(Math.max(planned, publicAt.getTime())).toISOString();
    return { channel: entry.channel, at, ...(entry.text !== undefined ? { text: entry.text } : {}) };
  });
}

/**
 * Builds the stored release from validated input; a new release always starts `queued`. An embargo
 * already in the past is dropped: the release is simply public. `channels` are the configured social
 * channels, the plan's default.
 */
export function newRelease(input: ReleaseInput, now: Date, channels: readonly string[] = []): Release {
  const at = now.toISOString();
  const embargoUntil = input.embargoUntil && Date.parse(input.embargoUntil) > now.getTime() ? new Date(input.embargoUntil).toISOString() : undefined;
  const social = resolveSocialPlan(input, channels, embargoUntil ? new Date(embargoUntil) : now);
  return {
    id: input.id,
    title: input.title,
    url: input.url,
    html: input.html,
    markdown: input.markdown,
    lists: input.lists,
    tags: input.tags ?? [],
    summary: input.summary,
    author: input.author,
    publishedAt: input.publishedAt ? new Date(input.publishedAt).toISOString() : at,
    language: input.language ?? 'en',
    receivedAt: at,
    sendStatus: SendStatus.Queued,
    statusChangedAt: at,
    ...(embargoUntil ? { embargoUntil } : {}),
    social,
  };
}
