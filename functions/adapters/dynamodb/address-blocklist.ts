import { createHmac } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AddressBlocklist } from '../../domain/subscriber/ports';
import type { SuppressionReason } from '../../domain/subscriber/subscriber';
import type { TableRef } from './table';

/**
 * Suppressed addresses whose subscriber was erased. Only a keyed hash of the lower-cased address is
 * stored: enough to recognise the address if it is imported again, useless to anyone without the key.
 */
export class DynamoAddressBlocklist implements AddressBlocklist {
  constructor(private readonly table: TableRef, private readonly hashKey: Buffer) {}

  private key(email: string) {
    return { pk: `BLOCKED#${createHmac('sha256', this.hashKey).update(email.toLowerCase()).digest('base64url')}`, sk: 'BLOCKED' };
  }

  async isBlocked(email: string): Promise<boolean> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: this.key(email), ConsistentRead: true }));
    return !!Item;
  }

  async block(email: string, reason: SuppressionReason, now: Date): Promise<void> {
    await this.table.doc.send(
      new PutCommand({ TableName: this.table.tableName, Item: { ...this.key(email), reason, blockedAt: now.toISOString() } }),
    );
  }

  async unblock(email: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: this.key(email) }));
  }
}
