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
  language: string;
}

export interface SocialPost {
  releaseId: string;
  channel: string;
  status: SocialPostStatus;
  dueAt: string;
  attempts: number;
  summary: SocialSummary;
  text?: string;
  remoteId?: string;
  remoteUrl?: string;
  postedAt?: string;
  lastError?: string;
  leaseUntil?: string;
}

export interface SocialPostResult {
  remoteId: string;
  url?: string;
}
