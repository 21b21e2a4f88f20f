/** What the sources feature stores and reaches through; adapters and the sources service implement these. */
import type { PublishReleaseResult } from '../release/publish-release';
import type { ExtractedArticle, ParsedFeed } from './feed-item';
import type { PollStatus, Source, SourcePatch } from './source';
import type { SourceItem } from './source-item';

/** A source's poll state, written by a poll alone (staff's changes never touch it). */
export type PollRecord = Pick<Source, 'lastPolledAt' | 'lastPollStatus' | 'lastError' | 'etag' | 'lastModified' | 'language' | 'primedAt' | 'itemsSeen'> & {
  lastPollStatus: PollStatus;
};

export interface SourceStore {
  /** Stores a new source; false when the id is taken. */
  create(source: Source): Promise<boolean>;
  /** A source, removed ones too (their `deletedAt` set). */
  get(id: string): Promise<Source | undefined>;
  /** Every source not removed, oldest first. */
  list(): Promise<Source[]>;
  /** Staff's changes; `primedAt: null` starts the source over (a new feed address). False when it is gone. */
  update(id: string, patch: SourcePatch & { primedAt?: null }, now: Date): Promise<boolean>;
  /** Marks it removed: no more polls, and Ghost is answered 410. */
  remove(id: string, now: Date): Promise<void>;
  /** Feed sources due for a poll at `now`, soonest first. */
  listDue(now: Date, limit: number): Promise<Source[]>;
  /**
   * Takes a due poll: moves `nextPollAt` on to `next`, only if it is still `expected` (what was read);
   * false when another run took it first.
   */
  claimPoll(id: string, expected: string | undefined, next: string): Promise<boolean>;
  recordPoll(id: string, record: PollRecord): Promise<void>;
  /** Every post the source knows. */
  listItems(sourceId: string): Promise<SourceItem[]>;
  getItem(sourceId: string, releaseId: string): Promise<SourceItem | undefined>;
  /**
   * Stores what became of a post (replacing what was known of it). With `countNew`, a post the store
   * did not hold yet adds one to its source's `itemsSeen`, once however many deliveries race (a feed
   * poll counts its posts itself; a Ghost source has no poll to).
   */
  putItem(item: SourceItem, options?: { countNew?: boolean }): Promise<void>;
}

/** A feed's answer to a (conditional) fetch. */
export type FeedAnswer = { notModified: true } | { notModified: false; feed: ParsedFeed; etag?: string; lastModified?: string };

/** What a poll and a webhook reach beyond the store. */
export interface SourceReach {
  /**
   * Fetches and parses a feed through the guarded fetcher, conditionally when validators are given.
   * @throws OutboundFetchRefusedError, NotAFeedError
   */
  fetchFeed(url: string, validators: { etag?: string; lastModified?: string }): Promise<FeedAnswer>;
  /** Fetches an article page and extracts its main content; undefined when it has none or cannot be fetched. */
  fetchArticle(url: string): Promise<ExtractedArticle | undefined>;
  /** Publishes a release body through the webhook's own use case (`by` names the source). */
  publish(body: Record<string, unknown>): Promise<PublishReleaseResult>;
  /** Keeps a release body as a draft of the same id (hold mode), or updates that draft. */
  hold(body: Record<string, unknown>): Promise<void>;
  /** Whether the release exists (a held post that staff have published since). */
  releaseExists(releaseId: string): Promise<boolean>;
}
