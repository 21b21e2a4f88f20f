import type { ReleaseStatsStore } from '../delivery/ports';
import type { ReleaseStore } from './ports';
import type { SocialPostStore } from '../social/ports';
import { NotFoundError } from '../errors';
import { buildSendProgress, type SendProgress } from '../delivery/send-progress';
import { isPublic, revisionOf, type Release } from './release';
import { revisionRecord, type ReleaseRevision } from './correction';
import { releaseBody } from './release-body';
import type { Finding } from './finding';
import type { SocialPostStatus } from '../social/social-post';

/** One channel's post as staff see it. */
export interface SocialPostView {
  channel: string;
  status: SocialPostStatus;
  /** When it is (or was last) due: after a failed attempt, the time of the next one. */
  dueAt: string;
  attempts: number;
  text?: string;
  remoteId?: string;
  remoteUrl?: string;
  postedAt?: string;
  /** The channel's own error from the last failed attempt, kept after the post ends `failed`. */
  lastError?: string;
}

export interface ReleaseStatus {
  id: string;
  title: string;
  url: string;
  language: string;
  /** The lists it is sent to. */
  lists: string[];
  publishedAt: string;
  /** Who published it from the console; absent for a release the webhook brought. */
  publishedBy?: string;
  embargoUntil?: string;
  /** False while the embargo holds: no email, post, web version or feed entry yet. */
  public: boolean;
  warnings: Finding[];
  send: SendProgress;
  social: SocialPostView[];
  /** 1 until the first correction. */
  revision: number;
  /** When the latest correction was made. */
  updatedAt?: string;
  correctionNote?: string;
  /** Every revision of the content, newest first (the current one first), without their bodies. */
  revisions: RevisionView[];
}

/** A revision as listed: what it said and changed, without the body (up to 350 KB each). */
export type RevisionView = Omit<ReleaseRevision, 'body' | 'releaseId'> & { bodyBytes: number };

/**
 * Everything staff want to know about one release: its email send and each social post.
 *
 * @throws NotFoundError when there is no such release.
 * @example
 * const status = await getReleaseStatus('spring-update', { releases, releaseStats, socialPosts, clock });
 * status.social.filter((p) => p.status === 'failed').map((p) => p.lastError);
 */
export async function getReleaseStatus(
  id: string,
  deps: { releases: ReleaseStore; releaseStats: ReleaseStatsStore; socialPosts: SocialPostStore; clock: { now(): Date } },
): Promise<ReleaseStatus> {
  const release = await deps.releases.get(id);
  if (!release) throw new NotFoundError(`Release ${id} not found`);
  const [counts, posts, revisions] = await Promise.all([
    deps.releaseStats.get(id),
    deps.socialPosts.listForRelease(id),
    revisionOf(release) > 1 ? deps.releases.listRevisions(id) : Promise.resolve([]),
  ]);
  return {
    id: release.id,
    title: release.title,
    url: release.url,
    language: release.language,
    lists: release.lists,
    publishedAt: release.publishedAt,
    ...(release.publishedBy ? { publishedBy: release.publishedBy } : {}),
    ...(release.embargoUntil ? { embargoUntil: release.embargoUntil } : {}),
    public: isPublic(release, deps.clock.now()),
    warnings: release.warnings ?? [],
    send: buildSendProgress(release, counts),
    social: posts
      .map((post) => ({
        channel: post.channel,
        status: post.status,
        dueAt: post.dueAt,
        attempts: post.attempts,
        ...(post.text ? { text: post.text } : post.overrideText ? { text: post.overrideText } : {}),
        ...(post.remoteId ? { remoteId: post.remoteId } : {}),
        ...(post.remoteUrl ? { remoteUrl: post.remoteUrl } : {}),
        ...(post.postedAt ? { postedAt: post.postedAt } : {}),
        ...(post.lastError ? { lastError: post.lastError } : {}),
      }))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt) || a.channel.localeCompare(b.channel)),
    revision: revisionOf(release),
    ...(release.updatedAt ? { updatedAt: release.updatedAt } : {}),
    ...(release.correctionNote ? { correctionNote: release.correctionNote } : {}),
    revisions: await revisionViews(release, revisions),
  };
}

/**
 * The current content first, then the kept records of earlier revisions. A record of the current
 * revision (left by a correction that crashed before moving the release on) is the release itself.
 */
async function revisionViews(release: Release, kept: ReleaseRevision[]): Promise<RevisionView[]> {
  const current = revisionRecord({ ...release, body: await releaseBody(release) });
  return [current, ...kept.filter((r) => r.revision < current.revision).sort((a, b) => b.revision - a.revision)].map(
    ({ body, releaseId: _id, ...rest }) => ({ ...rest, bodyBytes: Buffer.byteLength(body) }),
  );
}
