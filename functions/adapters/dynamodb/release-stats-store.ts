import { createHash, randomInt } from 'node:crypto';
import { BatchGetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailEventReceipt, ReleaseStatsStore, SendJob } from '../../domain/delivery/ports';
import { RELEASE_COUNTERS, sumCounts, type ReleaseCounts } from '../../domain/delivery/release-stats';
import { conditionHolds, type TableRef } from './table';

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
 * The shard is part of the partition key, not the sort key: DynamoDB spreads load by partition
 * key, and one key takes about 1,000 writes/s, so shards under one key would not spread a send's
 * writes at all. Reading sums the shards with one BatchGetItem.
 */
export class DynamoReleaseStatsStore implements ReleaseStatsStore {
  private readonly shards: number;
  private readonly pickShard: (shards: number) => number;

  constructor(
    private readonly table: TableRef,
    options: ReleaseStatsStoreOptions = {},
  ) {
    this.shards = options.shards ?? DEFAULT_STATS_SHARDS;
    this.pickShard = options.pickShard ?? ((n) => randomInt(n));
  }

  private shardKey(releaseId: string, shard: number) {
    return { pk: `RELEASESTATS#${releaseId}#${shard}`, sk: 'STATS' };
  }

  async increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<void> {
    const counters = RELEASE_COUNTERS.filter((c) => typeof counts[c] === 'number' && counts[c] !== 0);
    if (counters.length === 0) return;
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: this.shardKey(releaseId, this.pickShard(this.shards)),
        // ADD creates the item and the attributes as needed, so no read is ever necessary.
        UpdateExpression: `SET releaseId = :release ADD ${counters.map((c, i) => `#c${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(counters.map((c, i) => [`#c${i}`, c])),
        ExpressionAttributeValues: {
          ':release': releaseId,
          ...Object.fromEntries(counters.map((c, i) => [`:v${i}`, counts[c]])),
        },
      }),
    );
  }

  async get(releaseId: string): Promise<ReleaseCounts> {
    let keys: Record<string, unknown>[] = Array.from({ length: this.shards }, (_, shard) => this.shardKey(releaseId, shard));
    const items: Record<string, unknown>[] = [];
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      if (attempt > 8) throw new Error(`Could not read the counters of release ${releaseId}: DynamoDB kept keys unprocessed`);
      const { Responses, UnprocessedKeys } = await this.table.doc.send(
        new BatchGetCommand({ RequestItems: { [this.table.tableName]: { Keys: keys, ConsistentRead: true } } }),
      );
      items.push(...(Responses?.[this.table.tableName] ?? []));
      keys = (UnprocessedKeys?.[this.table.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
    return sumCounts(items);
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
