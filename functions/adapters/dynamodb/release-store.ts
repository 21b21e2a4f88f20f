import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReleaseStore, StoreReleaseResult } from '../../domain/ports';
import type { Release, RenderedEmail, SendStatus } from '../../domain/release/release';
import { isConditionFailure, withoutKeys, type TableRef } from './table';

const releaseKey = (id: string) => ({ pk: `RELEASE#${id}`, sk: 'RELEASE' });
const renderedKey = (id: string) => ({ pk: `RELEASE#${id}`, sk: 'RENDERED' });
const webhookKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' });

/** Senders retry webhooks for hours or days; a month of receipts covers any sane retry policy. */
const WEBHOOK_RECEIPT_DAYS = 30;

export class DynamoReleaseStore implements ReleaseStore {
  constructor(private readonly table: TableRef) {}

  async create(release: Release): Promise<StoreReleaseResult> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...releaseKey(release.id), ...release },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, release };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { created: false, release: (await this.get(release.id))! };
    }
  }

  async get(id: string): Promise<Release | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: releaseKey(id), ConsistentRead: true }),
    );
    return Item ? withoutKeys<Release>(Item) : undefined;
  }

  async saveRendered(id: string, rendered: RenderedEmail): Promise<RenderedEmail> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...renderedKey(id), ...rendered },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return rendered;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getRendered(id))!;
    }
  }

  async getRendered(id: string): Promise<RenderedEmail | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: renderedKey(id), ConsistentRead: true }),
    );
    return Item ? withoutKeys<RenderedEmail>(Item) : undefined;
  }

  async transition(id: string, from: SendStatus[], to: SendStatus, now: Date): Promise<boolean> {
    const values = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: releaseKey(id),
          UpdateExpression: 'SET sendStatus = :to, statusChangedAt = :now',
          ConditionExpression: `attribute_exists(pk) AND sendStatus IN (${Object.keys(values).join(', ')})`,
          ExpressionAttributeValues: { ...values, ':to': to, ':now': now.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async rememberWebhook(webhookId: string, releaseId: string, now: Date): Promise<void> {
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: {
            ...webhookKey(webhookId),
            releaseId,
            receivedAt: now.toISOString(),
            expiresAt: Math.floor(now.getTime() / 1000) + WEBHOOK_RECEIPT_DAYS * 86_400,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async getWebhookRelease(webhookId: string): Promise<string | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: webhookKey(webhookId), ConsistentRead: true }),
    );
    return Item?.releaseId as string | undefined;
  }
}
