import type { Finding } from './finding';
import type { DigestContent } from '../digest/digest-content';
import { resolveSocialPlan, type SocialPlanEntry } from '../social/social-plan';
import type { ReleaseInput } from './release-input';
import { SendStatus, type PausedBy } from './send-status';
import type { ReleaseTranslation } from './translations';

/** A release is a post or press release; a digest is the weekly email that sums releases up. */
export const ReleaseKind = {
  Release: 'release',
  Digest: 'digest',
} as const;
export type ReleaseKind = (typeof ReleaseKind)[keyof typeof ReleaseKind];

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
  /**
   * The staff member (their address) who published the release from the console; absent for a
   * release a CMS published through the webhook.
   */
  publishedBy?: string;
  publishedAt: string;
  language: string;
  /**
   * The release in other languages (translations.ts), each body sanitised at publish like `body`;
   * absent when there are none.
   */
  translations?: ReleaseTranslation[];
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
  /** While paused by the daily quota: when the send resumes by itself (see delivery/README.md, "Daily quota"). */
  resumeAt?: string;
  /** Staff resumed a send the thresholds had paused: the thresholds no longer pause it. */
  thresholdsOverriddenAt?: string;
  /** Preflight warnings found when the release was published. */
  warnings?: Finding[];
  /**
   * Which social channels get a summary, when, and with what text. Absent: every configured channel
   * as soon as the release is public.
   */
  social?: SocialPlanEntry[];
  /**
   * How many times the release's content has been set: 1 as published (absent on releases stored
   * before corrections existed), one more for each correction (correct-release.ts).
   */
  revision?: number;
  /** When the latest correction was made; absent until the first. */
  updatedAt?: string;
  /** What the latest correction says changed, in staff's words; shown with the release. */
  correctionNote?: string;
  /** The fields the latest correction changed (correction.ts `CORRECTABLE_FIELDS`). */
  correctedFields?: string[];
  /** The staff member who made the latest correction from the console, when one did. */
  correctedBy?: string;
}

/** The revision a release is at: 1 until its first correction. */
export const revisionOf = (release: Pick<Release, 'revision'>): number => release.revision ?? 1;

/** Release fields a status move may write with the status; `null` removes the field. */
export type SendStatusChanges = {
  [K in 'finishedAt' | 'pausedFrom' | 'pausedReason' | 'pausedBy' | 'resumeAt' | 'thresholdsOverriddenAt' | 'sendError']?: Release[K] | null;
};

/**
 * Whether the release may be shown or sent at `now`: true once its embargo (if any) has passed.
 *
 * @example
 * isPublic({ embargoUntil: '2026-12-01T09:00:00.000Z' }, new Date('2026-11-30T00:00:00Z')); // false
 */
export function isPublic(release: Pick<Release, 'embargoUntil'>, now: Date): boolean {
  return !release.embargoUntil || Date.parse(release.embargoUntil) <= now.getTime();
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
    ...(input.translations?.length ? { translations: input.translations } : {}),
    receivedAt: at,
    sendStatus: SendStatus.Queued,
    statusChangedAt: at,
    ...(embargoUntil ? { embargoUntil } : {}),
    social,
  };
}
