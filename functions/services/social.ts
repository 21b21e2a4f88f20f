import type { EventPublisher } from '../domain/webhooks/ports';
import type { Clock } from '../domain/ports';
import type { SocialChannel, SocialPostStore } from '../domain/social/ports';
import { postDueSocial, type PostDueResult } from '../domain/social/post-due';
import { retryFailedPost } from '../domain/social/retry-post';
import type { SocialPost } from '../domain/social/social-post';

/** What the social feature reads and writes. */
export interface SocialPorts {
  /** Outgoing webhooks: where state changes are told (never throws). */
  events?: EventPublisher;
  socialPosts: SocialPostStore;
  /** The configured channels, by name. */
  channels: ReadonlyMap<string, SocialChannel>;
  clock: Clock;
}

/**
 * Social: posting each release's summaries when they fall due, within each channel's rules, with
 * retries. Posts are scheduled when a release is published (the releases feature).
 *
 * @example
 * const { posted, failed } = await social.postDue();
 */
export class SocialService {
  constructor(private readonly ports: SocialPorts) {}

  /** Posts what is due; overlapping runs are safe (each post is claimed first). */
  postDue(): Promise<PostDueResult> {
    return postDueSocial(this.ports);
  }

  /** Sends a failed post back to be posted again. @throws NotFoundError, ConflictError */
  retry(releaseId: string, channel: string): Promise<SocialPost> {
    return retryFailedPost(releaseId, channel, this.ports);
  }
}
