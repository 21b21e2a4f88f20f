import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SendRateGate } from '../../domain/delivery/ports';
import { afterThrottle, initialRateState, reserveSlots, throttleReading, type RateState, type ThrottleReading } from '../../domain/delivery/send-rate';
import { isConditionFailure, type TableRef } from './table';

const KEY = { pk: 'PACER#email', sk: 'PACER' };
const MAX_ATTEMPTS = 50;

/**
 * The shared pacing state in one item, moved on with optimistic concurrency: read, compute the next
 * state (pure, in domain/delivery/send-rate.ts), write it back only if nobody else did in between.
 * One write reserves a whole batch of slots, so a worker pays one round trip per SQS batch.
 */
export class DynamoSendRateGate implements SendRateGate {
  constructor(
    private readonly table: TableRef,
    /** Messages per second allowed now: SES's quota or a lower configured rate; undefined = unlimited. */
    private readonly maxRate: () => Promise<number | undefined>,
  ) {}

  async reserve(count: number, now: Date, until?: Date): Promise<Date[]> {
    const maxRate = await this.maxRate();
    if (!maxRate || maxRate <= 0) return until && until < now ? [] : Array.from({ length: count }, () => now);
    const { slots } = await this.update((state, at) => {
      // `at` may be later than `now` (the system clock ahead of the caller's): the caller's time left
      // counts from `at` then, so the slots it gets fit the time it really has.
      const reservation = reserveSlots(state, count, maxRate, at, until ? at + (until.getTime() - now.getTime()) : Infinity);
      return { next: reservation.next, result: reservation };
    }, now);
    return slots.map((ms) => new Date(ms));
  }

  async slowDown(now: Date): Promise<ThrottleReading> {
    return this.update((state, at) => ({ next: afterThrottle(state, at), result: throttleReading(state, at) }), now);
  }

  private async update<T>(step: (state: RateState, now: number) => { next: RateState; result: T }, now: Date): Promise<T> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: KEY, ConsistentRead: true }));
      const at = Math.max(now.getTime(), Date.now());
      const state: RateState = Item
        ? { tat: Item.tat as number, factor: Item.factor as number, throttledAt: Item.throttledAt as number | undefined }
        : initialRateState(at);
      const { next, result } = step(state, at);
      try {
        await this.table.doc.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...KEY, ...next, version: ((Item?.version as number) ?? 0) + 1 },
            ConditionExpression: Item ? 'version = :version' : 'attribute_not_exists(pk)',
            ExpressionAttributeValues: Item ? { ':version': Item.version } : undefined,
          }),
        );
        return result;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // Another worker moved the state on: back off a random moment so retries do not collide again.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
      }
    }
    throw new Error(`Could not update the send pacer after ${MAX_ATTEMPTS} attempts`);
  }
}
