import { createHash } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MailEventReceipt, ReleaseStatsStore, SendJob } from '../../domain/delivery/ports';
import { RELEASE_COUNTERS, sumCounts, type ReleaseCounts } from '../../domain/delivery/release-stats';
import { conditionHolds, type TableRef } from './table';
import { ShardedCounters } from './sharded-counters';

/** Ten shards take ~10,000 counter writes/s, far above any SES sending rate Pressroom will see. */
export const DEFAULT_STATS_SHARDS = 10;
/** SQS keeps a message at most 14 days, so no redelivery can arrive after its receipt expired. */
const RECEIPT_TTL_SECONDS = 14 * 24 * 60 * 60;

export interface ReleaseStatsStoreOptions {
  shards?: number;
  /** Picks the shard for an increment; injectable for tests. */
  pickShard?: (shards: number) => number;
}

/**
 * Items (see table.ts for the rest of the table):
 *
 * | item           | pk                                        | sk         |
 * | -------------- | ----------------------------------------- | ---------- |
 * | counter shard  | RELEASESTATS#<release>#<0..shards-1>      | STATS      |
 * | event receipt  | MAILEVENT#<message id>#<type>#<addr hash> | MAILEVENT  | (expires after 14 days)
 *
 * The counter shards are {@link ShardedCounters}: one ADD per increment, a BatchGetItem to read.
 */
export class DynamoReleaseStatsStore implements ReleaseStatsStore {
  private readonly counters: ShardedCounters<keyof ReleaseCounts>;

  constructor(
    private readonly table: TableRef,
    options: ReleaseStatsStoreOptions = {},
  ) {
    this.counters = new ShardedCounters(table, {
      prefix: 'RELEASESTATS',
      sk: 'STATS',
      idAttribute: 'releaseId',
      shards: options.shards ?? DEFAULT_STATS_SHARDS,
      pickShard: options.pickShard,
    });
  }

  async increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<void> {
    await this.counters.add(releaseId, Object.fromEntries(RELEASE_COUNTERS.map((c) => [c, counts[c]])));
  }

  async get(releaseId: string): Promise<ReleaseCounts> {
    return sumCounts((await this.counters.shardsOf([releaseId])).get(releaseId) ?? []);
  }

  async recordEventOnce(receipt: MailEventReceipt, now: Date): Promise<boolean> {
    // The address is hashed: receipts outlive an erasure by up to 14 days and must not hold it.
    const recipient = createHash('sha256').update(receipt.recipient.trim().toLowerCase()).digest('base64url').slice(0, 22);
    return this.putReceiptOnce(`MAILEVENT#${receipt.messageId}#${receipt.eventType}#${recipient}`, 'MAILEVENT', now);
  }

  async recordDuplicateJobOnce(job: SendJob, now: Date): Promise<boolean> {
    return this.putReceiptOnce(`DUPJOB#${job.releaseId}#${job.subscriberId}#${job.listId}`, 'DUPJOB', now);
  }

  /** Writes a receipt that expires with the longest a queue keeps a message: true when it was new. */
  private async putReceiptOnce(pk: string, sk: string, now: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { pk, sk, receivedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + RECEIPT_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }
}
