import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ListStore } from '../../domain/lists/ports';
import type { ListChanges, MailingList } from '../../domain/lists/mailing-list';
import { conditionHolds, isConditionFailure, withoutKeys, type TableRef } from './table';

// Lists are few and read together on every publish and sign-up: one partition holds them all.
const LISTS = 'LISTS';
const listKey = (id: string) => ({ pk: LISTS, sk: `LIST#${id}` });

export class DynamoListStore implements ListStore {
  constructor(private readonly table: TableRef) {}

  async all(): Promise<MailingList[]> {
    const lists: MailingList[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :lists',
          ExpressionAttributeValues: { ':lists': LISTS },
          ExclusiveStartKey: start,
        }),
      );
      lists.push(...(page.Items ?? []).map((item) => withoutKeys<MailingList>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return lists;
  }

  async get(id: string): Promise<MailingList | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: listKey(id), ConsistentRead: true }));
    return Item ? withoutKeys<MailingList>(Item) : undefined;
  }

  async create(list: MailingList): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...listKey(list.id), ...list },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  async update(id: string, changes: ListChanges, now: Date): Promise<MailingList | undefined> {
    const fields = Object.entries({ ...changes, updatedAt: now.toISOString() }).filter(([, v]) => v !== undefined && v !== null);
    // A change to null (e.g. `welcome: null`) removes the attribute rather than storing a NULL.
    const removed = Object.entries(changes).filter(([, v]) => v === null).map(([k]) => k);
    const remove = removed.length ? ` REMOVE ${removed.map((k) => `#${k}`).join(', ')}` : '';
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: listKey(id),
          UpdateExpression: `SET ${fields.map(([k]) => `#${k} = :${k}`).join(', ')}${remove}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: Object.fromEntries([...fields.map(([k]) => k), ...removed].map((k) => [`#${k}`, k])),
          ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? withoutKeys<MailingList>(Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
