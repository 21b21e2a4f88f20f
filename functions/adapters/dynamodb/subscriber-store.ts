import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SubscriberStore } from '../../domain/ports';
import { MembershipStatus, type Membership, type Subscriber } from '../../domain/subscriber/subscriber';
import { decodeCursor, encodeCursor, GSI1, isConditionFailure, type TableRef } from './table';

const profileKey = (id: string) => ({ pk: `SUB#${id}`, sk: 'PROFILE' });
const membershipKey = (id: string, listId: string) => ({ pk: `SUB#${id}`, sk: `LIST#${listId}` });
// Mailbox providers treat addresses case-insensitively in practice, so one person is one subscriber
// whatever case they type; the address as given is kept on the profile for sending.
const emailKey = (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' });

export class DynamoSubscriberStore implements SubscriberStore {
  constructor(private readonly table: TableRef) {}

  async addConfirmed(email: string, lists: string[], now: Date): Promise<{ subscriber: Subscriber; created: boolean }> {
    const { subscriberId, created } = await this.idFor(email, now);
    for (const listId of lists) {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: membershipKey(subscriberId, listId),
          UpdateExpression: 'SET #status = :confirmed, changedAt = :now, listId = :list, gsi1pk = :g1pk, gsi1sk = :g1sk',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':confirmed': MembershipStatus.Confirmed,
            ':now': now.toISOString(),
            ':list': listId,
            ':g1pk': `MEMBERS#${listId}`,
            ':g1sk': subscriberId,
          },
        }),
      );
    }
    return { subscriber: (await this.get(subscriberId))!, created };
  }

  /**
   * Finds or creates the subscriber id for an address without a transaction (dynalite has none):
   * the address lookup item is the lock. A lost race reads the winner's id; the profile is
   * (re)written if missing, which also repairs a crash between the two puts.
   */
  private async idFor(email: string, now: Date): Promise<{ subscriberId: string; created: boolean }> {
    let subscriberId: string = randomUUID();
    let created = true;
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...emailKey(email), subscriberId },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const { Item } = await this.table.doc.send(
        new GetCommand({ TableName: this.table.tableName, Key: emailKey(email), ConsistentRead: true }),
      );
      subscriberId = Item!.subscriberId as string;
      created = false;
    }
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...profileKey(subscriberId), id: subscriberId, email, createdAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return { subscriberId, created };
  }

  async get(subscriberId: string): Promise<Subscriber | undefined> {
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SUB#${subscriberId}` },
        ConsistentRead: true,
      }),
    );
    const profile = Items.find((item) => item.sk === 'PROFILE');
    if (!profile) return undefined;
    const memberships: Membership[] = Items.filter((item) => String(item.sk).startsWith('LIST#')).map((item) => ({
      listId: item.listId as string,
      status: item.status as Membership['status'],
      changedAt: item.changedAt as string,
    }));
    return {
      id: subscriberId,
      email: profile.email as string,
      createdAt: profile.createdAt as string,
      suppressedAt: profile.suppressedAt as string | undefined,
      memberships,
    };
  }

  async findByEmail(email: string): Promise<Subscriber | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: emailKey(email), ConsistentRead: true }),
    );
    return Item ? this.get(Item.subscriberId as string) : undefined;
  }

  async pageConfirmedMembers(listId: string, cursor: string | undefined, limit: number) {
    const { Items = [], LastEvaluatedKey } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': `MEMBERS#${listId}` },
        ProjectionExpression: 'gsi1sk',
        ExclusiveStartKey: decodeCursor(cursor),
        Limit: limit,
      }),
    );
    return { subscriberIds: Items.map((item) => item.gsi1sk as string), cursor: encodeCursor(LastEvaluatedKey) };
  }

  async unsubscribe(subscriberId: string, listId: string, now: Date): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: membershipKey(subscriberId, listId),
          // Removing the GSI keys takes the member out of every later fan-out at once.
          UpdateExpression: 'SET #status = :unsubscribed, changedAt = :now REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':unsubscribed': MembershipStatus.Unsubscribed, ':now': now.toISOString() },
        }),
      );
    } catch (error) {
      // No membership (never joined, or erased): there is nothing to leave.
      if (!isConditionFailure(error)) throw error;
    }
  }
}
