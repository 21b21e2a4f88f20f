/**
 * A social post moves `scheduled → posting → posted`, or back to `scheduled` with a later `dueAt`
 * after a failed attempt, and finally `failed` once the attempts are used up.
 */
export const SocialPostStatus = {
  Scheduled: 'scheduled',
  Posting: 'posting',
  Posted: 'posted',
  Failed: 'failed',
} as const;
export type SocialPostStatus = (typeof SocialPostStatus)[keyof typeof SocialPostStatus];

/** What a channel formats into its own text. */
export interface SocialSummary {
  title: string;
  summary?: string;
  url: string;
  tags: string[];
  /** The release's language tag (`en`, `es-MX`); channels that take one send it with the post. */
  language: string;
  /** An absolute https image for link cards (the release's first image), when it has one. */
  imageUrl?: string;
}

/** What a channel publishes: the final text, the summary it came from, and a stable key. */
export interface SocialMessage {
  text: string;
  summary: SocialSummary;
  /** Stable for one (release, channel) pair: `${releaseId}:${channel}`. */
  idempotencyKey: string;
}

export interface SocialPost {
  releaseId: string;
  channel: string;
  status: SocialPostStatus;
  dueAt: string;
  attempts: number;
  summary: SocialSummary;
  /** Staff's own text for this channel, posted instead of the formatted summary. */
  overrideText?: string;
  /** The text that was posted. */
  text?: string;
  remoteId?: string;
  remoteUrl?: string;
  postedAt?: string;
  lastError?: string;
  /** When the last attempt (posted or not) was made. */
  lastAttemptAt?: string;
  /** When staff last sent a failed post back to be tried again. */
  retriedAt?: string;
  leaseUntil?: string;
}

export interface SocialPostResult {
  remoteId: string;
  url?: string;
}
