import type { Release } from '../release/release';
import { SocialPostStatus, type SocialPost, type SocialSummary } from './social-post';

/** The summary every channel formats in its own way. */
export function summaryOf(release: Release): SocialSummary {
  return {
    title: release.title,
    summary: release.summary,
    url: release.url,
    tags: release.tags,
    language: release.language,
  };
}

/** One post per channel, due at once. */
export function scheduledPostsFor(release: Release, channels: readonly string[], now: Date): SocialPost[] {
  return channels.map((channel) => ({
    releaseId: release.id,
    channel,
    status: SocialPostStatus.Scheduled,
    dueAt: now.toISOString(),
    attempts: 0,
    summary: summaryOf(release),
  }));
}

/** Idempotency key a channel may pass to its provider: stable for one (release, channel) pair. */
export function postIdempotencyKey(post: Pick<SocialPost, 'releaseId' | 'channel'>): string {
  return `${post.releaseId}:${post.channel}`;
}
