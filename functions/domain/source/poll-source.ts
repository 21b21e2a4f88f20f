import type { Clock } from '../ports';
import { PressroomError } from '../errors';
import type { SourceReach, SourceStore } from './ports';
import { PollStatus, POLL_MINUTES, SourceKind, type Source } from './source';
import { fingerprintOf, itemRecord, itemReleaseId, ItemState, type SourceItem } from './source-item';
import { takeItem } from './take-item';

/** Posts acted on in one poll; a feed that gains more at once has the rest taken at the next poll. */
export const MAX_ITEMS_PER_POLL = 50;

/** What one poll did, for staff ("poll now") and the logs. */
export interface PollReport {
  sourceId: string;
  status: PollStatus;
  /** Why the poll failed. */
  error?: string;
  /** Posts in the feed. */
  inFeed: number;
  /** Marked seen at the first poll (nothing sent). */
  seen: number;
  published: number;
  corrected: number;
  held: number;
  skipped: number;
  failed: number;
  /** New or changed posts left for the next poll ({@link MAX_ITEMS_PER_POLL}). */
  deferred: number;
}

/**
 * Polls a feed source once: a conditional fetch (ETag, Last-Modified), then each post that is new
 * or changed since the last poll is taken (take-item.ts). The first poll only marks what the feed
 * already holds as seen: connecting a feed with ten years of posts mails none of them.
 *
 * A feed that cannot be fetched or read fails the poll with a reason staff can act on (kept as the
 * source's last error); nothing else changes, and the next poll tries again. Posts are taken oldest
 * first, so releases go out in the order they were written.
 *
 * @example
 * const report = await pollSource(source, { sources, reach, clock }); // { status: 'ok', published: 1, … }
 */
export async function pollSource(source: Source, deps: { sources: SourceStore; reach: SourceReach; clock: Clock }): Promise<PollReport> {
  const report: PollReport = { sourceId: source.id, status: PollStatus.Ok, inFeed: 0, seen: 0, published: 0, corrected: 0, held: 0, skipped: 0, failed: 0, deferred: 0 };
  if (source.kind !== SourceKind.Feed || !source.url) return report;
  const polledAt = deps.clock.now().toISOString();
  const unchanged = { etag: source.etag, lastModified: source.lastModified, language: source.language, primedAt: source.primedAt, itemsSeen: source.itemsSeen };
  let answer;
  try {
    answer = await deps.reach.fetchFeed(source.url, { etag: source.etag, lastModified: source.lastModified });
  } catch (error) {
    // The guarded fetcher's refusals and a body that is no feed: final for now, said to staff.
    if (!(error instanceof PressroomError)) throw error;
    await deps.sources.recordPoll(source.id, { ...unchanged, lastPolledAt: polledAt, lastPollStatus: PollStatus.Failed, lastError: error.message });
    return { ...report, status: PollStatus.Failed, error: error.message };
  }
  if (answer.notModified) {
    await deps.sources.recordPoll(source.id, { ...unchanged, lastPolledAt: polledAt, lastPollStatus: PollStatus.NotModified });
    return { ...report, status: PollStatus.NotModified };
  }
  const known = new Map((await deps.sources.listItems(source.id)).map((item) => [item.releaseId, item]));
  const items = [...answer.feed.items].reverse();
  report.inFeed = items.length;
  const context = { ...source, language: answer.feed.language ?? source.language };
  let taken = 0;
  for (const item of items) {
    const releaseId = itemReleaseId(source.id, item.key);
    const before = known.get(releaseId);
    if (before && before.fingerprint === fingerprintOf(item)) continue;
    if (!source.primedAt) {
      const seen = itemRecord(item, source.id, ItemState.Seen, polledAt, before);
      await deps.sources.putItem(seen);
      known.set(releaseId, seen);
      report.seen++;
      continue;
    }
    if (taken >= MAX_ITEMS_PER_POLL) {
      report.deferred++;
      continue;
    }
    taken++;
    const after = await takeItem(item, context, before, deps);
    await deps.sources.putItem(after);
    known.set(releaseId, after);
    count(report, before, after);
  }
  await deps.sources.recordPoll(source.id, {
    lastPolledAt: polledAt,
    lastPollStatus: PollStatus.Ok,
    etag: answer.etag,
    lastModified: answer.lastModified,
    language: answer.feed.language ?? source.language,
    primedAt: source.primedAt ?? polledAt,
    itemsSeen: known.size,
  });
  return report;
}

function count(report: PollReport, before: SourceItem | undefined, after: SourceItem): void {
  if (after.state === ItemState.Published) {
    if (before?.state === ItemState.Published || (after.revision ?? 1) > 1) report.corrected++;
    else report.published++;
  } else if (after.state === ItemState.Held) report.held++;
  else if (after.state === ItemState.Skipped) report.skipped++;
  else if (after.state === ItemState.Failed) report.failed++;
}

/** When a source is next due, from now. */
export function nextPollAt(source: Pick<Source, 'pollMinutes'>, now: Date): string {
  return new Date(now.getTime() + (source.pollMinutes ?? POLL_MINUTES.default) * 60_000).toISOString();
}
