/**
 * Counting the deliveries a send ended: each ending once in the release's counters (at least once
 * across a crash), and a job that found its delivery ended by another job as a duplicate.
 */
import type { Clock } from '../ports';
import type { DeliveryStore, ReleaseStatsStore, SendJob } from './ports';
import { DeliveryStatus, type DeliveryRecord } from './delivery';
import { DeliveryBusyError } from './errors';
import type { ReleaseCounts } from './release-stats';
import { BatchTally } from './batch-tally';

/** What counting needs of the send worker's dependencies. */
export interface CountingDeps {
  deliveries: DeliveryStore;
  /** Counts each delivery once when it ends, and completes the send. */
  releaseStats: ReleaseStatsStore;
  clock: Clock;
  /** How long a claim protects a delivery from a second sender. */
  claimLeaseMs?: number;
}

export async function count(releaseId: string, counts: Partial<ReleaseCounts>, deps: Pick<CountingDeps, 'releaseStats'>): Promise<void> {
  await deps.releaseStats.increment(releaseId, counts);
}

/** How long a claim (and so a worker holding one) is trusted to live. */
export const DEFAULT_CLAIM_LEASE_MS = 5 * 60_000;

type EndedAs = 'sent' | 'failed' | 'skipped';

const ENDED_AS: Partial<Record<DeliveryStatus, EndedAs>> = {
  [DeliveryStatus.Sent]: 'sent',
  [DeliveryStatus.Failed]: 'failed',
  [DeliveryStatus.Skipped]: 'skipped',
};

/**
 * The deliveries a batch ended, counted together once its sends are done: one counter write and one
 * receipt a batch, where it was a counter write and a "counted" write per email (DynamoDB writes are
 * the largest cost after SES; docs/benchmarks.md, figure 4). See batch-tally.ts.
 *
 * Counting is at least once: every ending write sets `uncounted` and this batch's `tally` id; the
 * receipt written after the counters names each subscriber counted. A worker that dies between the
 * ending and its receipt leaves its messages on the queue; the redelivered job finds the delivery
 * ended, `uncounted`, and not named by its tally's receipt, and counts it ({@link recountIfLost}), so
 * the send still completes. Dying after counting but before the receipt counts those endings twice:
 * completion compares with `>=`, and one extra is better than a send that never ends.
 */
export class EndingTally {
  private readonly batch = new BatchTally<SendJob>();
  /** The id every ending of this batch is marked with. */
  readonly id = this.batch.id;

  add(job: SendJob, as: EndedAs): void {
    this.batch.add(job.releaseId, as, job.subscriberId, job);
  }

  /**
   * Counts every ending, then writes the receipts. @returns the jobs whose endings may not be
   * counted, with the error, and each release's totals after the write when the store told them.
   */
  async flush(deps: CountingDeps): Promise<{ uncounted: { job: SendJob; error: unknown }[]; totals: Map<string, ReleaseCounts> }> {
    const { failed, totals } = await this.batch.flush(deps.releaseStats, deps.clock.now());
    return { uncounted: failed.map(({ owner, error }) => ({ job: owner, error })), totals };
  }
}

/**
 * A redelivered job whose delivery it ended itself: counted then, unless that worker died in
 * between, which its tally's receipt tells (it names every subscriber that batch counted). A recent
 * ending may still be counted by a live worker (a redelivery can overtake a slow batch), so the job
 * waits (busy) until the ending is older than a claim lease, the longest a worker is trusted to live;
 * then the first to clear the mark counts it.
 */
async function recountIfLost(job: SendJob, record: DeliveryRecord, deps: CountingDeps): Promise<void> {
  const as = ENDED_AS[record.status];
  if (!record.uncounted || !as) return;
  if (record.tally && (await deps.releaseStats.tallyCounted(job.releaseId, record.tally, job.subscriberId))) return;
  const endedAt = Date.parse(record.endedAt ?? record.sentAt ?? '');
  const grace = deps.claimLeaseMs ?? DEFAULT_CLAIM_LEASE_MS;
  if (!(deps.clock.now().getTime() - endedAt >= grace)) throw new DeliveryBusyError(job.releaseId, job.subscriberId);
  if (await deps.deliveries.markCounted(job.releaseId, job.subscriberId)) await count(job.releaseId, { [as]: 1 }, deps);
}

/**
 * A job that found its recipient's delivery ended by someone else. It is a redelivery of the job
 * that ended it (same list: counted already) or another list's job for the same recipient, which
 * counts once as `duplicate` so that ended jobs add up to `targeted`. A receipt per (release,
 * subscriber, job list) keeps a redelivered duplicate from counting again.
 *
 * @param ended whether the delivery is known ended by another list's job without a read.
 */
export async function countDuplicateJob(job: SendJob, deps: CountingDeps, ended: 'other-list' | 'look' = 'look'): Promise<void> {
  if (ended === 'look') {
    const record = await deps.deliveries.get(job.releaseId, job.subscriberId);
    if (record?.status === DeliveryStatus.Claimed) throw new DeliveryBusyError(job.releaseId, job.subscriberId);
    if (!record) return;
    if ((record.jobListId ?? record.listId) === job.listId) return recountIfLost(job, record, deps);
  }
  const first = await deps.releaseStats.recordDuplicateJobOnce(job, deps.clock.now());
  if (first) await count(job.releaseId, { duplicate: 1 }, deps);
}

/** Ends a delivery as skipped (counted once), or counts the job as a duplicate when it had ended. */
export async function skip(job: SendJob, reason: string, deps: CountingDeps & { tally: EndingTally }): Promise<'skipped'> {
  if (await deps.deliveries.markSkipped(job.releaseId, job.subscriberId, job.listId, reason, deps.clock.now(), deps.tally.id)) {
    deps.tally.add(job, 'skipped');
  } else {
    await countDuplicateJob(job, deps);
  }
  return 'skipped';
}
