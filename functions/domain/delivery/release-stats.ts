/**
 * Per-release delivery counters. The send path (issue 4) counts targeted, sent, failed and skipped;
 * SES events count delivered, bounced, complained and rejected. Stores keep them sharded, so these
 * are plain values summed from the shards.
 */
export const ReleaseCounter = {
  Targeted: 'targeted',
  Sent: 'sent',
  Failed: 'failed',
  Skipped: 'skipped',
  Delivered: 'delivered',
  Bounced: 'bounced',
  Complained: 'complained',
  /** SES accepted the message, then refused to send it (e.g. it found a virus). */
  Rejected: 'rejected',
} as const;
export type ReleaseCounter = (typeof ReleaseCounter)[keyof typeof ReleaseCounter];

export type ReleaseCounts = Record<ReleaseCounter, number>;

export const RELEASE_COUNTERS: readonly ReleaseCounter[] = Object.values(ReleaseCounter);

/**
 * SES puts an account under review above these rates (bounces 5 %, complaints 0.1 %); a send should
 * pause well before, which is issue 4's job. Kept here so that both the engine and reports use them.
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

/**
 * Bounce and complaint rates as SES computes them: over the messages sent. Before the send path
 * counts `sent` (or for a release sent before it did), the events themselves are the denominator.
 *
 * @example
 * const { bounceRate } = deliveryRates(await releaseStats.get(releaseId));
 * if (bounceRate >= SES_REVIEW_BOUNCE_RATE) …
 */
export function deliveryRates(counts: ReleaseCounts): { bounceRate: number; complaintRate: number } {
  const denominator = Math.max(counts.sent, counts.delivered + counts.bounced + counts.rejected);
  if (denominator === 0) return { bounceRate: 0, complaintRate: 0 };
  return { bounceRate: counts.bounced / denominator, complaintRate: counts.complained / denominator };
}
