import { randomInt } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetItems, type TableRef } from './table';

export interface ShardedCountersOptions {
  /** Partition key prefix: a shard's key is `<prefix>#<id>#<shard>`. */
  prefix: string;
  /** Sort key of every shard item. */
  sk: string;
  /** The attribute naming what is counted on each shard (for someone reading the table). */
  idAttribute: string;
  shards: number;
  /** Picks the shard for an increment; injectable for tests. */
  pickShard?: (shards: number) => number;
}

/**
 * Numeric counters per id, spread over `shards` items so that a burst of increments to one id is
 * not capped at the ~1,000 writes/s one partition key takes. The shard is part of the partition
 * key, not the sort key: DynamoDB spreads load by partition key. An increment is one ADD (no read,
 * commutative, so concurrent writers never lose each other's counts); a read sums the shards with
 * BatchGetItem.
 */
export class ShardedCounters<C extends string> {
  private readonly pickShard: (shards: number) => number;

  constructor(
    private readonly table: TableRef,
    private readonly options: ShardedCountersOptions,
  ) {
    this.pickShard = options.pickShard ?? ((n) => randomInt(n));
  }

  private key(id: string, shard: string | number) {
    return { pk: `${this.options.prefix}#${id}#${shard}`, sk: this.options.sk };
  }

  /** Adds each non-zero delta (negative ones subtract) to one shard of `id`. */
  async add(id: string, deltas: Partial<Record<C, number>>): Promise<void> {
    await this.write(id, this.pickShard(this.options.shards), deltas, false);
  }

  /**
   * Adds each non-zero delta to the item `<prefix>#<id>#<name>` (one outside the shards, for a
   * counter written rarely enough for one item) and answers with the item as it is after the write;
   * undefined when there was nothing to add.
   */
  addTo(id: string, name: string, deltas: Partial<Record<C, number>>): Promise<Record<string, unknown> | undefined> {
    return this.write(id, name, deltas, true);
  }

  private async write(id: string, shard: string | number, deltas: Partial<Record<C, number>>, answer: boolean): Promise<Record<string, unknown> | undefined> {
    const counters = (Object.keys(deltas) as C[]).filter((c) => typeof deltas[c] === 'number' && deltas[c] !== 0);
    if (counters.length === 0) return undefined;
    const { Attributes } = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: this.key(id, shard),
        // ADD creates the item and the attributes as needed, so no read is ever necessary.
        UpdateExpression: `SET #id = :id ADD ${counters.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
        ExpressionAttributeNames: { '#id': this.options.idAttribute, ...Object.fromEntries(counters.map((c, i) => [`#c${i}`, c])) },
        ExpressionAttributeValues: { ':id': id, ...Object.fromEntries(counters.map((c, i) => [`:v${i}`, deltas[c]])) },
        ...(answer ? { ReturnValues: 'ALL_NEW' as const } : {}),
      }),
    );
    return Attributes;
  }

  /** Every shard item of each id (those never written are absent), grouped by id. */
  async shardsOf(ids: string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const byId = new Map<string, Record<string, unknown>[]>(ids.map((id) => [id, []]));
    const all = ids.flatMap((id) => Array.from({ length: this.options.shards }, (_, shard) => this.key(id, shard)));
    for (const item of await batchGetItems(this.table, all, `the ${this.options.prefix} counters`)) byId.get(item[this.options.idAttribute] as string)?.push(item);
    return byId;
  }
}
