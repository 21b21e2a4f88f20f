import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ClaimOutcome, DeliveryStore } from '../../domain/delivery/ports';
import { DeliveryStatus, type DeliveryRecord, type DeliveryReport, type ReportOutcome } from '../../domain/delivery/delivery';
import { tallyNames } from './release-stats-store';
import { batchGetItems, conditionHolds, isConditionFailure, withoutKeys, type TableRef } from './table';

const deliveryKey = (releaseId: string, subscriberId: string) => ({
  pk: `DELIVERY#${releaseId}#${subscriberId}`,
  sk: 'DELIVERY',
});

export class DynamoDeliveryStore implements DeliveryStore {
  constructor(private readonly table: TableRef) {}

  async claim(releaseId: string, subscriberId: string, listId: string, now: Date, leaseMs: number, jobListId = listId): Promise<ClaimOutcome> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          UpdateExpression:
            'SET #status = :claimed, releaseId = :r, subscriberId = :s, listId = :l, jobListId = :j, claimedAt = :now, leaseUntil = :lease',
          // Free, or claimed by a worker whose lease ran out (it crashed, maybe after SES took the
          // message: taking over risks one duplicate, which beats losing the email).
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':claimed': DeliveryStatus.Claimed,
            ':r': releaseId,
            ':s': subscriberId,
            ':l': listId,
            ':j': jobListId,
            ':now': now.toISOString(),
            ':lease': new Date(now.getTime() + leaseMs).toISOString(),
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(releaseId, subscriberId);
      return current?.status === DeliveryStatus.Claimed ? 'busy' : 'done';
    }
  }

  private async end(releaseId: string, subscriberId: string, status: DeliveryStatus, given: Record<string, string | undefined>): Promise<boolean> {
    const fields = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const names = Object.keys(fields);
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          UpdateExpression: `SET #status = :status, uncounted = :true, ${names.map((n) => `${n} = :${n}`).join(', ')} REMOVE leaseUntil, claimedAt`,
          // Only a claim ends, and only once: when two workers sent under one claim (the first
          // outlived its lease), the second record finds it ended and the delivery counts once. The
          // claim's own times go: the item is kept, and every byte of it is stored for every email.
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': status,
            ':claimed': DeliveryStatus.Claimed,
            ':true': true,
            ...Object.fromEntries(names.map((n) => [`:${n}`, fields[n]])),
          },
        }),
      ),
    );
  }

  markSent(releaseId: string, subscriberId: string, messageId: string, now: Date, tally?: string): Promise<boolean> {
    return this.end(releaseId, subscriberId, DeliveryStatus.Sent, { messageId, sentAt: now.toISOString(), tally });
  }

  markFailed(releaseId: string, subscriberId: string, reason: string, now: Date, tally?: string): Promise<boolean> {
    return this.end(releaseId, subscriberId, DeliveryStatus.Failed, { reason, endedAt: now.toISOString(), tally });
  }

  async markSkipped(releaseId: string, subscriberId: string, listId: string, reason: string, now: Date, tally?: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...deliveryKey(releaseId, subscriberId),
            releaseId,
            subscriberId,
            listId,
            jobListId: listId,
            status: DeliveryStatus.Skipped,
            reason,
            endedAt: now.toISOString(),
            uncounted: true,
            ...(tally ? { tally } : {}),
          },
          // Nothing recorded yet, or a claim whose worker died (its lease ran out): without the
          // second case a crashed claim would never end, and the send never complete.
          ConditionExpression: 'attribute_not_exists(pk) OR (#status = :claimed AND leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': DeliveryStatus.Claimed, ':now': now.toISOString() },
        }),
      ),
    );
  }

  async releaseClaim(releaseId: string, subscriberId: string): Promise<void> {
    try {
      await this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          ConditionExpression: '#status = :claimed',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':claimed': DeliveryStatus.Claimed },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async markCounted(releaseId: string, subscriberId: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          UpdateExpression: 'REMOVE uncounted',
          // Only the first caller clears it: a recovered count is counted by exactly one worker.
          ConditionExpression: 'uncounted = :true',
          ExpressionAttributeValues: { ':true': true },
        }),
      ),
    );
  }

  async recordReport(releaseId: string, subscriberId: string, report: DeliveryReport, tally?: string): Promise<ReportOutcome> {
    const attribute = `${report.kind}At`;
    const recorded = await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          UpdateExpression: `SET #at = :at${report.bounceType ? ', bounceType = :type' : ''}${tally ? ', #tally = :tally' : ''}`,
          // Only on a delivery that exists (an update would otherwise create one), and once per kind.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#at)',
          ExpressionAttributeNames: { '#at': attribute, ...(tally ? { '#tally': `${report.kind}Tally` } : {}) },
          ExpressionAttributeValues: {
            ':at': report.at.toISOString(),
            ...(report.bounceType ? { ':type': report.bounceType } : {}),
            ...(tally ? { ':tally': tally } : {}),
          },
        }),
      ),
    );
    if (recorded) return 'recorded';
    // Rare (a redelivered event, or a message with no delivery): read which it was.
    return (await this.get(releaseId, subscriberId)) ? 'seen' : 'missing';
  }

  async moveReportTally(releaseId: string, subscriberId: string, kind: DeliveryReport['kind'], from: string, to: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: deliveryKey(releaseId, subscriberId),
          UpdateExpression: 'SET #tally = :to',
          // Only from the tally the caller found unreceipted: of two redeliveries, one moves it.
          ConditionExpression: '#tally = :from',
          ExpressionAttributeNames: { '#tally': `${kind}Tally` },
          ExpressionAttributeValues: { ':from': from, ':to': to },
        }),
      ),
    );
  }

  async get(releaseId: string, subscriberId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: deliveryKey(releaseId, subscriberId), ConsistentRead: true }),
    );
    if (!Item) return undefined;
    const record = withoutKeys<DeliveryRecord>(Item);
    // The mark stays on the item (clearing it was a write per email); the batch's receipt says it was counted.
    if (record.uncounted && record.tally && (await tallyNames(this.table, releaseId, record.tally, subscriberId))) delete record.uncounted;
    return record;
  }

  async getMany(releaseId: string, subscriberIds: string[]): Promise<Map<string, DeliveryRecord>> {
    const items = await batchGetItems(this.table, [...new Set(subscriberIds)].map((id) => deliveryKey(releaseId, id)), 'deliveries');
    return new Map(items.map((item) => withoutKeys<DeliveryRecord>(item)).map((record) => [record.subscriberId, record]));
  }
}
