import type { EventPublisher } from '../webhooks/ports';
import { WebhookEventType, webhookEvent } from '../webhooks/event';
import type { Clock } from '../ports';
import type { SocialChannel, SocialPostStore } from './ports';
import { SocialPostRejectedError, SocialPostRetryableError } from './errors';
import { postIdempotencyKey } from './schedule-posts';
import { SocialPostStatus, type SocialPost, type SocialPostResult } from './social-post';

export interface PostDueDeps {
  socialPosts: SocialPostStore;
  channels: ReadonlyMap<string, SocialChannel>;
  clock: Clock;
  /** Told `post.published` and `post.failed` (a post that will not be retried); none, nothing is told. */
  events?: EventPublisher;
  /** Attempts before a post ends `failed`. */
  maxAttempts?: number;
  /** First retry delay; doubles with every attempt. */
  backoffMs?: number;
  /** How long a claim keeps an overlapping run away; a crashed run's posts come back after it. */
  leaseMs?: number;
  batchSize?: number;
}

const UNCERTAIN =
  'The post may or may not have been published (the attempt was interrupted) and this channel cannot tell; ' +
  'not retried, to avoid a duplicate. Check the channel.';

export interface PostDueResult {
  posted: number;
  retrying: number;
  failed: number;
  /** Claimed by an overlapping run first. */
  skipped: number;
  /** What each attempt came to, by channel (for per-channel metrics). */
  attempts: { channel: string; outcome: 'posted' | 'retrying' | 'failed' }[];
}

/**
 * Posts every due social summary once.
 *
 * Each post is claimed with a conditional write before the provider is called, so overlapping runs
 * never post the same summary twice. A run that crashes after posting leaves the claim to expire.
 * On a channel with idempotent posting (Mastodon, Bluesky, local) the next run posts again with the
 * same idempotency key and the provider hands back the first post. On the others (X, LinkedIn,
 * Threads, Slack, Discord) nobody can tell whether the post went out, so it ends `failed` with a
 * reason staff can check rather than risk a duplicate; the same holds for a timeout on such a channel.
 */
export async function postDueSocial(deps: PostDueDeps): Promise<PostDueResult> {
  const maxAttempts = deps.maxAttempts ?? 5;
  const backoffMs = deps.backoffMs ?? 60_000;
  const result: PostDueResult = { posted: 0, retrying: 0, failed: 0, skipped: 0, attempts: [] };
  const due = await deps.socialPosts.listDue(deps.clock.now(), deps.batchSize ?? 25);
  for (const post of due) {
    if (!(await deps.socialPosts.claim(post, deps.clock.now(), deps.leaseMs ?? 5 * 60_000))) {
      result.skipped++;
      continue;
    }
    const outcome = await attempt(post, deps, maxAttempts, backoffMs);
    await tell(post, outcome, deps);
    result[outcome]++;
    result.attempts.push({ channel: post.channel, outcome });
  }
  return result;
}

async function attempt(
  post: SocialPost,
  deps: PostDueDeps,
  maxAttempts: number,
  backoffMs: number,
): Promise<'posted' | 'retrying' | 'failed'> {
  const channel = deps.channels.get(post.channel);
  if (!channel) {
    await deps.socialPosts.markFailed(post, `channel "${post.channel}" is not configured`, deps.clock.now());
    return 'failed';
  }
  if (post.status === SocialPostStatus.Posting && !channel.idempotent) {
    // The claim expired: an earlier run crashed somewhere between claiming and recording.
    await deps.socialPosts.markFailed(post, UNCERTAIN, deps.clock.now());
    return 'failed';
  }
  const text = post.overrideText ?? channel.format(post.summary);
  let result: SocialPostResult;
  try {
    result = await channel.post({ text, summary: post.summary, idempotencyKey: postIdempotencyKey(post) });
  } catch (error) {
    const now = deps.clock.now();
    const message = error instanceof Error ? error.message : String(error);
    const attempts = post.attempts + 1;
    if (error instanceof SocialPostRetryableError && error.mayHavePosted && !channel.idempotent) {
      await deps.socialPosts.markFailed(post, `${message}. ${UNCERTAIN}`, now);
      return 'failed';
    }
    if (error instanceof SocialPostRejectedError || attempts >= maxAttempts) {
      await deps.socialPosts.markFailed(post, message, now);
      return 'failed';
    }
    const backoff = new Date(now.getTime() + backoffMs * 2 ** post.attempts);
    // A provider's own Retry-After wins when it asks for a longer pause than our backoff.
    const asked = error instanceof SocialPostRetryableError ? error.retryAfter : undefined;
    const retryAfter = asked && asked > backoff ? asked : backoff;
    await deps.socialPosts.markFailed(post, message, now, retryAfter);
    return 'retrying';
  }
  // Outside the try: failing to record a post that was made must not count as a failed post (that
  // would retry it). The error propagates, the claim expires, and the next run treats the post as
  // interrupted: re-posted with the same key where the channel dedupes, else ended for staff to check.
  await deps.socialPosts.markPosted({ ...post, text }, result, deps.clock.now());
  return 'posted';
}

/**
 * Tells other systems how a post ended, once it has: a post being retried has not. Read back from
 * the store for the URL and error as recorded; publishing never throws.
 */
async function tell(post: SocialPost, outcome: 'posted' | 'retrying' | 'failed', deps: PostDueDeps): Promise<void> {
  if (!deps.events || outcome === 'retrying') return;
  const stored = (await deps.socialPosts.listForRelease(post.releaseId).catch(() => [] as SocialPost[])).find((p) => p.channel === post.channel);
  const now = deps.clock.now();
  const base = { releaseId: post.releaseId, channel: post.channel };
  if (outcome === 'posted') {
    await deps.events.publish(webhookEvent(WebhookEventType.PostPublished, { post: { ...base, ...(stored?.remoteUrl ? { url: stored.remoteUrl } : {}) } }, now));
  } else {
    await deps.events.publish(webhookEvent(WebhookEventType.PostFailed, { post: { ...base, ...(stored?.lastError ? { error: stored.lastError } : {}) } }, now));
  }
}
