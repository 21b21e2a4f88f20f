import { ConflictError, NotFoundError } from '../errors';
import type { Clock } from '../ports';
import type { SocialPostStore } from './ports';
import type { SocialPost } from './social-post';

/**
 * Sends a release's failed post on `channel` back to be posted by the next run of the scheduled
 * poster, with a fresh set of attempts: staff's answer once they fixed what made it fail (a revoked
 * token, a channel outage that outlasted the retries). A failed post on a channel without idempotent
 * posting may have gone out before its outcome was lost; staff check the channel first.
 *
 * @throws NotFoundError when the release has no post on that channel; ConflictError when the post
 *   has not failed (it is waiting, posting, or posted).
 * @example
 * const post = await retryFailedPost('spring-update', 'mastodon', { socialPosts, clock });
 */
export async function retryFailedPost(
  releaseId: string,
  channel: string,
  deps: { socialPosts: Pick<SocialPostStore, 'listForRelease' | 'retryFailed'>; clock: Clock },
): Promise<SocialPost> {
  const find = async () => (await deps.socialPosts.listForRelease(releaseId)).find((p) => p.channel === channel);
  const post = await find();
  if (!post) throw new NotFoundError(`Release "${releaseId}" has no ${channel} post`);
  if (!(await deps.socialPosts.retryFailed(post, deps.clock.now()))) {
    throw new ConflictError(`The ${channel} post is ${post.status}: only a failed post can be retried`, { channel, status: post.status });
  }
  return (await find())!;
}
