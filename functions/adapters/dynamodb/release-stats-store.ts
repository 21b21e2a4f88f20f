import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailEventReceipt, ReleaseStatsStore, SendJob, TallyReceipt } from '../../domain/delivery/ports';
import { RELEASE_COUNTERS, sumCounts, type ReleaseCounts } from '../../domain/delivery/release-stats';
import { linkKey } from '../../domain/delivery/mail-events';
import { conditionHolds, type TableRef } from './table';
import { ShardedCounters } from './sharded-counters';

/** The item of a release's counters since batches count once each (the older shards are still read). */
const TOTAL = 'all';
const totalKey = (releaseId: string) => ({ pk: `RELEASESTATS#${releaseId}#${TOTAL}`, sk: 'STATS' });

/** A batch tally's receipt (see batch-tally.ts); the delivery store reads it too. */
export const tallyKey = (releaseId: string, tally: string) => ({ pk: `TALLY#${releaseId}#${tally}`, sk: 'TALLY' });

/** Whether the receipt of `tally` names `entry`. */
export async function tallyNames(table: TableRef, releaseId: string, tally: string, entry: string): Promise<boolean> {
  const { Item } = await table.doc.send(new GetCommand({ TableName: table.tableName, Key: tallyKey(releaseId, tally), ConsistentRead: true }));
  return Array.isArray(Item?.entries) && (Item.entries as unknown[]).includes(entry);
}

/** The shards a release's counts were spread over before they went to one item; still read. */
const LEGACY_SHARDS = 10;
/** SQS keeps a message at most 14 days, so no redelivery can arrive after its receipt expired. */
const RECEIPT_TTL_SECONDS = 14 * 24 * 60 * 60;

/**
 * Items (see table.ts for the rest of the table):
 *
 * | item           | pk                                        | sk         |
 * | -------------- | ----------------------------------------- | ---------- |
 * | counters       | RELEASESTATS#<release>#all                | STATS      | (every increment since 2026-12; `vouched` once `begin` made it before any)
 * | counter shard  | RELEASESTATS#<release>#<0..shards-1>      | STATS      | (read only: where counts went before)
 * | event receipt  | MAILEVENT#<message id>#<type>#<addr hash> | MAILEVENT  | (expires after 14 days)
 * | link clicks    | LINKCLICKS#<release>                      | LINK#<url digest> | (url, clicks; engagement tracking only)
 * | tally receipt  | TALLY#<release>#<tally id>                | TALLY      | (entries counted; expires after 14 days)
 *
 * The old counter shards are read as {@link ShardedCounters} (a BatchGetItem); nothing writes them.
 */
export class DynamoReleaseStatsStore implements ReleaseStatsStore {
  private readonly counters: ShardedCounters<keyof ReleaseCounts>;

  constructor(private readonly table: TableRef) {
    this.counters = new ShardedCounters(table, { prefix: 'RELEASESTATS', sk: 'STATS', idAttribute: 'releaseId', shards: LEGACY_SHARDS });
  }

  async begin(releaseId: string): Promise<void> {
    // Only over nothing: a release some increment already reached keeps answering without totals.
    await conditionHolds(
      this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: { ...totalKey(releaseId), releaseId, vouched: true }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  async increment(releaseId: string, counts: Partial<ReleaseCounts>): Promise<ReleaseCounts | void> {
    // One item per release: a send counts once per batch of ten (batch-tally.ts), ~100 writes/s at
    // 1,000 emails/s, a tenth of what one item takes. Its answer is the running total, so that a
    // send batch knows without a read whether the send may be complete.
    const Attributes = await this.counters.addTo(releaseId, TOTAL, Object.fromEntries(RELEASE_COUNTERS.map((c) => [c, counts[c]])));
    // Vouched: counted in this item alone since `begin`, so these are the release's totals.
    if (Attributes?.vouched === true) return sumCounts([Attributes]);
  }

  async get(releaseId: string): Promise<ReleaseCounts> {
    // The shards written before counts went to one item (2026-12), then that item.
    const [shards, total] = await Promise.all([
      this.counters.shardsOf([releaseId]),
      this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: totalKey(releaseId), ConsistentRead: true })),
    ]);
    return sumCounts([...(shards.get(releaseId) ?? []), ...(total.Item ? [total.Item] : [])]);
  }

  async recordTally({ releaseId, tally, entries }: TallyReceipt, now: Date): Promise<void> {
    // Read only by a redelivery, which SQS makes within its 14-day retention.
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...tallyKey(releaseId, tally), entries, receivedAt: now.toISOString(), expiresAt: Math.floor(now.getTime() / 1000) + RECEIPT_TTL_SECONDS },
      }),
    );
  }

  tallyCounted(releaseId: string, tally: string, entry: string): Promise<boolean> {
    return tallyNames(this.table, releaseId, tally, entry);
  }

  async recordEventOnce(receipt: MailEventReceipt, now: Date): Promise<boolean> {
    // The address is hashed: receipts outlive an erasure by up to 14 days and must not hold it.
    const recipient = createHash('sha256').update(receipt.recipient.trim().toLowerCase()).digest('base64url').slice(0, 22);
    return this.putReceiptOnce(`MAILEVENT#${receipt.messageId}#${receipt.eventType}#${recipient}`, 'MAILEVENT', now);
  }

  async countLinkClick(releaseId: string, url: string): Promise<void> {
    // A link in a message is counted once per reader (the caller's receipt), and a release's email
    // has a few dozen links at most: one item per link takes the adds without sharding.
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: { pk: `LINKCLICKS#${releaseId}`, sk: `LINK#${linkKey(url)}` },
        UpdateExpression: 'SET #url = :url ADD clicks :one',
        ExpressionAttributeNames: { '#url': 'url' },
        ExpressionAttributeValues: { ':url': url.slice(0, 2048), ':one': 1 },
      }),
    );
  }

  async linkClicks(releaseId: string): Promise<{ url: string; clicks: number }[]> {
    const links: { url: string; clicks: number }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({ TableName: this.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `LINKCLICKS#${releaseId}` }, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) links.push({ url: String(item.url), clicks: Number(item.clicks) });
      start = page.LastEvaluatedKey;
    } while (start);
    return links.sort((a, b) => b.clicks - a.clicks || a.url.localeCompare(b.url));
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
