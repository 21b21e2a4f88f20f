/**
 * Counting a batch's work in one counter write per release instead of one per email.
 *
 * DynamoDB bills every item written, so a count per email (and a second write per email to say it
 * was counted) was most of what Pressroom added to SES's price (docs/benchmarks.md, figure 4). A
 * batch now marks each thing it will count with its tally id in the write it makes anyway (the
 * ending of a delivery, the report of a mail event), adds the counts up, writes them once, and then
 * writes one receipt naming what it counted. A redelivered job or event that finds a mark whose
 * receipt does not name it knows that batch died before counting: it counts it itself, once (the
 * callers' conditional writes decide who).
 *
 * Counting stays at least once: a batch that dies between its counter write and its receipt leaves
 * its entries to be counted again (one extra each, never a lost one).
 */
import { randomUUID } from 'node:crypto';
import type { ReleaseStatsStore } from './ports';
import type { ReleaseCounts } from './release-stats';

/** What a flush did: the owners whose counts could not be written, and each release's totals when the store answered with them. */
export interface FlushResult<T> {
  failed: { owner: T; error: unknown }[];
  totals: Map<string, ReleaseCounts>;
}

interface ReleaseTally<T> {
  counts: Partial<ReleaseCounts>;
  entries: string[];
  owners: T[];
}

/**
 * One batch's counts, per release, with the entries they count and their owners (a send job, a
 * mail event) so that a failed counter write fails exactly the owners it concerns.
 *
 * @example
 * const tally = new BatchTally<SendJob>();
 * if (await deliveries.markSent(releaseId, subscriberId, messageId, now, tally.id)) tally.add(releaseId, 'sent', subscriberId, job);
 * const { failed, totals } = await tally.flush(releaseStats, now);
 */
export class BatchTally<T> {
  /** Written beside each mark; unique per batch, so receipts of different batches never mix. */
  readonly id = randomUUID();
  private readonly releases = new Map<string, ReleaseTally<T>>();

  add(releaseId: string, counter: keyof ReleaseCounts, entry: string | undefined, owner: T): void {
    const tally = this.releases.get(releaseId) ?? { counts: {}, entries: [], owners: [] };
    tally.counts[counter] = (tally.counts[counter] ?? 0) + 1;
    if (entry !== undefined) tally.entries.push(entry);
    tally.owners.push(owner);
    this.releases.set(releaseId, tally);
  }

  /** The releases counted so far. */
  releaseIds(): string[] {
    return [...this.releases.keys()];
  }

  /**
   * Writes each release's counts, then its receipt. A receipt that cannot be written only means a
   * redelivery may count those entries again later; a counter write that fails is returned, with
   * the owners whose counts it held, for the caller to fail (their redelivery counts them). The
   * totals the store answered with are returned too (see `ReleaseStatsStore.increment`).
   */
  async flush(stats: Pick<ReleaseStatsStore, 'increment' | 'recordTally'>, now: Date): Promise<FlushResult<T>> {
    const failed: { owner: T; error: unknown }[] = [];
    const totals = new Map<string, ReleaseCounts>();
    for (const [releaseId, { counts, entries, owners }] of this.releases) {
      try {
        const after = await stats.increment(releaseId, counts);
        if (after) totals.set(releaseId, after);
      } catch (error) {
        failed.push(...owners.map((owner) => ({ owner, error })));
        continue;
      }
      if (entries.length) await stats.recordTally({ releaseId, tally: this.id, entries }, now).catch(() => undefined);
    }
    this.releases.clear();
    return { failed, totals };
  }
}
