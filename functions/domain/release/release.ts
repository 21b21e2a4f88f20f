import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../errors';
import type { Finding } from './preflight';

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

export interface Release {
  id: string;
  title: string;
  url: string;
  html?: string;
  markdown?: string;
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
 * const input = parseReleaseInput(JSON.parse(body), new Set(['blog']));
 */
export function parseReleaseInput(body: unknown, knownLists: ReadonlySet<string>): ReleaseInput {
  const parsed = releaseInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid release');
  const issues: FieldIssue[] = parsed.data.lists
    .map((list, i) => ({ list, i }))
    .filter(({ list }) => !knownLists.has(list))
    .map(({ list, i }) => ({ field: `lists.${i}`, message: `unknown list "${list}"` }));
  if (issues.length) throw new ValidationError(issues, 'Invalid release');
  return { ...parsed.data, lists: [...new Set(parsed.data.lists)] };
}

/** Builds the stored release from validated input; a new release always starts `queued`. */
export function newRelease(input: ReleaseInput, now: Date): Release {
  const at = now.toISOString();
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
  };
}
