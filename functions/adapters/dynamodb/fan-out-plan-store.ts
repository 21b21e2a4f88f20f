import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { FanOutPlan, FanOutPlanStore } from '../../domain/delivery/ports';
import { conditionHolds, isConditionFailure, withoutKeys, type TableRef } from './table';

/** The plan item sits beside its release: `pk=RELEASE#<id>`, `sk=PLAN` (see table.ts). */
const planKey = (releaseId: string) => ({ pk: `RELEASE#${releaseId}`, sk: 'PLAN' });

function toPlan(item: Record<string, unknown>): FanOutPlan {
  const { leaseUntil: _lease, ...plan } = withoutKeys<FanOutPlan & { leaseUntil?: string }>(item);
  return plan;
}

/**
 * Fan-out checkpoints in the single table. Each checkpoint is a conditional update on the sequence
 * number the planner read, so two planners of the same release (a duplicated SQS delivery) can never
 * both move the plan: the second one learns it lost and stops.
 */
export class DynamoFanOutPlanStore implements FanOutPlanStore {
  constructor(private readonly table: TableRef) {}

  async get(releaseId: string): Promise<FanOutPlan | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: planKey(releaseId), ConsistentRead: true }),
    );
    return Item ? toPlan(Item) : undefined;
  }

  async claim(releaseId: string, now: Date, leaseMs: number): Promise<FanOutPlan | undefined> {
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: planKey(releaseId),
          UpdateExpression:
            'SET releaseId = :id, leaseUntil = :until, seq = if_not_exists(seq, :zero) + :one, ' +
            'listIndex = if_not_exists(listIndex, :zero), targeted = if_not_exists(targeted, :zero), startedAt = if_not_exists(startedAt, :now)',
          // Free, or its holder outlived the lease (crashed): a duplicated fan-out job that finds a
          // live lease backs off before enqueueing anything. The seq bump fences the old holder.
          ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :now',
          ExpressionAttributeValues: {
            ':id': releaseId,
            ':now': now.toISOString(),
            ':until': new Date(now.getTime() + leaseMs).toISOString(),
            ':zero': 0,
            ':one': 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toPlan(Attributes!);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async release(plan: FanOutPlan): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: planKey(plan.releaseId),
          UpdateExpression: 'REMOVE leaseUntil',
          // Only our own lease: a planner that took over since has bumped seq.
          ConditionExpression: 'seq = :seq',
          ExpressionAttributeValues: { ':seq': plan.seq },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async checkpoint(from: FanOutPlan, to: Omit<FanOutPlan, 'releaseId' | 'seq' | 'startedAt'>): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: planKey(from.releaseId),
          UpdateExpression: `SET seq = :next, listIndex = :listIndex, targeted = :targeted${to.cursor ? ', #cursor = :cursor' : ''}${
            to.cursor ? '' : ' REMOVE #cursor'
          }`,
          // Timeline: planner A reads seq n → enqueues its page → writes n+1 here. Planner B, which
          // also read n, then fails this condition and stops instead of moving the cursor backwards.
          ConditionExpression: 'seq = :seq',
          ExpressionAttributeNames: { '#cursor': 'cursor' },
          ExpressionAttributeValues: {
            ':seq': from.seq,
            ':next': from.seq + 1,
            ':listIndex': to.listIndex,
            ':targeted': to.targeted,
            ...(to.cursor ? { ':cursor': to.cursor } : {}),
          },
        }),
      ),
    );
  }
}
