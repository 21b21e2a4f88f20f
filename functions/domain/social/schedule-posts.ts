import type { Release } from '../release/release';
import { releaseBody } from '../release/release-body';
import { releaseImageUrl, releaseSummary } from '../release/release-summary';
import { SocialPostStatus, type SocialPost, type SocialSummary } from './social-post';

/**
 * The summary every channel formats in its own way: the release's own summary or its first
 * sentence, and its first image for link cards.
 */
export async function summaryOf(release: Release): Promise<SocialSummary> {
  const body = await releaseBody(release);
  const summary = releaseSummary(release, body, 1000);
  const imageUrl = releaseImageUrl(body);
  return {
    title: release.title,
    ...(summary ? { summary } : {}),
    url: release.url,
    tags: release.tags,
    language: release.language,
    ...(imageUrl ? { imageUrl } : {}),
  };
}

/**
 * One post per channel of the release's social plan (or, for a release stored without one, per
 * configured channel), each due at its planned time and never before the embargo ends.
 */
export async function scheduledPostsFor(release: Release, now: Date, configured: readonly string[] = []): Promise<SocialPost[]> {
  const summary = await summaryOf(release);
  const plan = release.social ?? configured.map((channel) => ({ channel, at: undefined, text: undefined }));
  const publicAt = Math.max(now.getTime(), release.embargoUntil ? Date.parse(release.embargoUntil) : 0);
  return plan.map((entry) => ({
    releaseId: release.id,
    channel: entry.channel,
    status: SocialPostStatus.Scheduled,
    dueAt: new Date(Math.max(publicAt, entry.at ? Date.parse(entry.at) : 0)).toISOString(),
    attempts: 0,
    summary,
    ...(entry.text !== undefined ? { overrideText: entry.text } : {}),
  }));
}

/** Idempotency key a channel may pass to its provider: stable for one (release, channel) pair. */
export function postIdempotencyKey(post: Pick<SocialPost, 'releaseId' | 'channel'>): string {
  return `${post.releaseId}:${post.channel}`;
}
