/** Where social posts are kept, and what a social channel adapter offers. */
import type { SocialMessage, SocialPost, SocialPostResult, SocialSummary } from './social-post';

export interface SocialPostStore {
  /** Stores posts that do not exist yet; an existing (release, channel) post is left as it is. */
  schedule(posts: SocialPost[]): Promise<void>;
  /** Posts whose `dueAt` has passed and that are still waiting to be posted. */
  listDue(now: Date, limit: number): Promise<SocialPost[]>;
  /** Conditional move scheduled → posting; false when another run claimed it first. */
  claim(post: SocialPost, now: Date, leaseMs: number): Promise<boolean>;
  markPosted(post: SocialPost, result: SocialPostResult, now: Date): Promise<void>;
  markFailed(post: SocialPost, error: string, now: Date, retryAt?: Date): Promise<void>;
  listForRelease(releaseId: string): Promise<SocialPost[]>;
  /**
   * A corrected release's new summary, for its posts not yet made (`scheduled` or `failed`); a post
   * being posted or already posted keeps the summary it went out with.
   */
  refreshSummary(releaseId: string, summary: SocialSummary): Promise<void>;
  /**
   * Staff's retry of a post that ended `failed`: back to `scheduled`, due at `now`, with a fresh set
   * of attempts (its last error kept until the next attempt). False when the post is not `failed`.
   */
  retryFailed(post: Pick<SocialPost, 'releaseId' | 'channel'>, now: Date): Promise<boolean>;
}

export interface SocialChannel {
  /** Channel name as configured, e.g. `local`, `mastodon`, `bluesky`, `x`, `slack`. */
  readonly name: string;
  /**
   * Whether posting the same `idempotencyKey` twice makes a single post (Mastodon's
   * `Idempotency-Key`, Bluesky's fixed record key, the local channel). A post whose outcome is
   * unknown (a crash or timeout after the request went out) is retried only on such channels; on the
   * others it ends `failed` for staff to check, because a second post would be a duplicate.
   */
  readonly idempotent: boolean;
  /** Formats the release summary within this channel's rules, counted the way the channel counts. */
  format(summary: SocialSummary): string;
  /** Why staff's own text for this channel would be refused (too long, empty), or undefined when it fits. */
  check(text: string): string | undefined;
  /** Publishes `message.text`; rich channels (Bluesky card, Slack, Discord) also use `message.summary`. */
  post(message: SocialMessage): Promise<SocialPostResult>;
}
