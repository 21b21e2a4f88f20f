/**
 * Per-release delivery counters. The fan-out counts targeted; the send path counts sent, failed,
 * skipped and duplicate, each when a delivery (or a duplicate job) ends, once;
 * SES events count delivered, bounced, complained and rejected. Stores keep them sharded, so these
 * are plain values summed from the shards.
 */
export const ReleaseCounter = {
  Targeted: 'targeted',
  Sent: 'sent',
  Failed: 'failed',
  Skipped: 'skipped',
  /**
   * A send job for a recipient whose delivery another list's job already ended (counted once per
   * job, not per redelivery), so that ended jobs add up to `targeted`.
   */
  Duplicate: 'duplicate',
  Delivered: 'delivered',
  Bounced: 'bounced',
  Complained: 'complained',
  /** SES accepted the message, then refused to send it (e.g. it found a virus). */
  Rejected: 'rejected',
  /** With engagement tracking on: recipients who opened (unreliable, see mail-events.ts) and who clicked a link. */
  Opened: 'opened',
  Clicked: 'clicked',
  /** Send jobs that failed on their last allowed receive and went to the dead-letter queue. */
  DeadLettered: 'deadLettered',
} as const;
export type ReleaseCounter = (typeof ReleaseCounter)[keyof typeof ReleaseCounter];

export type ReleaseCounts = Record<ReleaseCounter, number>;

export const RELEASE_COUNTERS: readonly ReleaseCounter[] = Object.values(ReleaseCounter);

/**
 * SES puts an account under review above these rates (bounces 5 %, complaints 0.1 %): the default
 * thresholds at which a send pauses itself (send-progress.ts computes the rates).
 */
export const SES_REVIEW_BOUNCE_RATE = 0.05;
export const SES_REVIEW_COMPLAINT_RATE = 0.001;

export function emptyCounts(): ReleaseCounts {
  return Object.fromEntries(RELEASE_COUNTERS.map((c) => [c, 0])) as ReleaseCounts;
}

/**
 * Adds counter values (e.g. the shards of one release) into one set of counts; unknown keys and
 * non-numbers are ignored.
 *
 * @example
 * sumCounts([{ delivered: 2 }, { delivered: 1, bounced: 1 }]) // { …, delivered: 3, bounced: 1 }
 */
export function sumCounts(parts: Iterable<Partial<Record<string, unknown>>>): ReleaseCounts {
  const total = emptyCounts();
  for (const part of parts) {
    for (const counter of RELEASE_COUNTERS) {
      const value = part[counter];
      if (typeof value === 'number' && Number.isFinite(value)) total[counter] += value;
    }
  }
  return total;
}
