import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../../domain/ports';
import { conditionHolds, type TableRef } from './table';

/**
 * Fixed-window counters: one item per key and window, incremented only while under the limit, and
 * expiring (TTL) a window after it closes. A fixed window may let up to twice the limit through
 * across a boundary; for abuse limits on sign-ups that is fine and needs one write per event.
 */
export class DynamoRateLimiter implements RateLimiter {
  constructor(private readonly table: TableRef) {}

  async consume(key: string, limit: number, windowMs: number, now: Date): Promise<boolean> {
    const window = Math.floor(now.getTime() / windowMs);
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: { pk: `RATE#${key}#${window}`, sk: 'RATE' },
          UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(hits) OR hits < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':expires': Math.ceil(((window + 2) * windowMs) / 1000),
          },
        }),
      ),
    );
  }
}
