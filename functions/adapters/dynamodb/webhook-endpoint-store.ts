import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryAttempt, WebhookEndpoint, WebhookEndpointPatch } from '../../domain/webhooks/endpoint';
import type { WebhookEndpointStore } from '../../domain/webhooks/ports';
import { assignments, conditionHolds, isConditionFailure, updateExpression, withoutKeys, type TableRef } from './table';

/**
 * Endpoints share one partition, `WEBHOOKS`: an organisation registers a handful, and every event
 * reads them all. Each endpoint's delivery log is a ring of `keep` items in its own partition,
 * `WEBHOOK#<id>`, slot `attemptCount mod keep`: a new attempt overwrites the oldest, so the log
 * stays bounded without a sweep.
 */
const WEBHOOKS = 'WEBHOOKS';
const endpointKey = (id: string) => ({ pk: WEBHOOKS, sk: `ENDPOINT#${id}` });
const slotKey = (id: string, slot: number) => ({ pk: `WEBHOOK#${id}`, sk: `ATTEMPT#${String(slot).padStart(4, '0')}` });

export class DynamoWebhookEndpointStore implements WebhookEndpointStore {
  constructor(private readonly table: TableRef) {}

  async create(endpoint: WebhookEndpoint): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...endpointKey(endpoint.id), ...endpoint }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(id: string): Promise<WebhookEndpoint | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: endpointKey(id), ConsistentRead: true }));
    return Item ? withoutCounter(Item) : undefined;
  }

  async list(): Promise<WebhookEndpoint[]> {
    const endpoints: WebhookEndpoint[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :endpoint)',
          ExpressionAttributeValues: { ':pk': WEBHOOKS, ':endpoint': 'ENDPOINT#' },
          ExclusiveStartKey: start,
        }),
      );
      endpoints.push(...(page.Items ?? []).map(withoutCounter));
      start = page.LastEvaluatedKey;
    } while (start);
    return endpoints.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  update(id: string, patch: WebhookEndpointPatch, now: Date): Promise<boolean> {
    // Fields the patch leaves out stay as they are; `null` removes one.
    const { set, remove, names, values } = assignments(Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)), 'f');
    set.push('updatedAt = :now');
    values[':now'] = now.toISOString();
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: endpointKey(id),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: 'attribute_exists(pk)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async markFailing(id: string, at: Date): Promise<string | undefined> {
    try {
      // Only the first failure since the last success sets the date: the day is counted from it.
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: endpointKey(id),
          UpdateExpression: 'SET failingSince = :at',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(failingSince)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
      return at.toISOString();
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.get(id))?.failingSince;
    }
  }

  async remove(id: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: endpointKey(id) }));
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({ TableName: this.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `WEBHOOK#${id}` }, ProjectionExpression: 'pk, sk' }),
    );
    for (const item of Items) await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: { pk: item.pk, sk: item.sk } }));
  }

  async recordAttempt(endpointId: string, attempt: DeliveryAttempt, keep: number): Promise<void> {
    let count: number;
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: endpointKey(endpointId),
          UpdateExpression: 'ADD attemptCount :one',
          // A removed endpoint keeps no log.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      count = Number(Attributes?.attemptCount ?? 1);
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    await this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: { ...slotKey(endpointId, count % keep), ...attempt, seq: count } }));
  }

  async attempts(endpointId: string): Promise<DeliveryAttempt[]> {
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({ TableName: this.table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `WEBHOOK#${endpointId}` } }),
    );
    return Items.sort((a, b) => Number(b.seq) - Number(a.seq)).map((item) => {
      const { seq: _seq, ...attempt } = withoutKeys<DeliveryAttempt & { seq?: number }>(item);
      return attempt;
    });
  }
}

function withoutCounter(item: Record<string, unknown>): WebhookEndpoint {
  const { attemptCount: _count, ...endpoint } = withoutKeys<WebhookEndpoint & { attemptCount?: number }>(item);
  return endpoint;
}
