import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PollRecord, SourceStore } from '../../domain/source/ports';
import { SourceKind, type Source, type SourcePatch } from '../../domain/source/source';
import type { SourceItem } from '../../domain/source/source-item';
import { assignments, conditionHolds, dueBy, updateExpression, withoutKeys, type TableRef } from './table';
import { assertItemFits } from './item-size';

/**
 * Sources share one partition, `SOURCES`: an organisation connects a handful. A feed source waits
 * for its next poll in a sparse GSI1 partition sorted by that time; a removed one leaves it.
 * Each source's posts sit in a partition of their own, `SOURCE#<id>`, keyed by release id.
 */
const SOURCES = 'SOURCES';
const DUE = 'SOURCES#DUE';
const sourceKey = (id: string) => ({ pk: SOURCES, sk: `SOURCE#${id}` });
const dueKey = (id: string, at: string) => ({ gsi1pk: DUE, gsi1sk: `${at}#${id}` });
const itemKey = (sourceId: string, releaseId: string) => ({ pk: `SOURCE#${sourceId}`, sk: `ITEM#${releaseId}` });

export class DynamoSourceStore implements SourceStore {
  constructor(private readonly table: TableRef) {}

  create(source: Source): Promise<boolean> {
    const due = source.kind === SourceKind.Feed && source.nextPollAt ? dueKey(source.id, source.nextPollAt) : {};
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({ TableName: this.table.tableName, Item: { ...sourceKey(source.id), ...due, ...source }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  async get(id: string): Promise<Source | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: sourceKey(id), ConsistentRead: true }));
    return Item ? withoutKeys<Source>(Item) : undefined;
  }

  async list(): Promise<Source[]> {
    const sources: Source[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :sources AND begins_with(sk, :source)',
          ExpressionAttributeValues: { ':sources': SOURCES, ':source': 'SOURCE#' },
          ExclusiveStartKey: start,
        }),
      );
      sources.push(...(page.Items ?? []).map((item) => withoutKeys<Source>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return sources.filter((s) => !s.deletedAt).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  update(id: string, patch: SourcePatch & { primedAt?: null }, now: Date): Promise<boolean> {
    // Fields the patch leaves out stay as they are; `null` removes one.
    const given = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
    const { set, remove, names, values } = assignments(given, 'f');
    set.push('updatedAt = :now');
    values[':now'] = now.toISOString();
    // A new address starts over: drop the old feed's validators, and poll it now.
    if (patch.primedAt === null) {
      remove.push('etag', 'lastModified');
      set.push('nextPollAt = :now', 'gsi1pk = :due', 'gsi1sk = :dueAt');
      values[':due'] = DUE;
      values[':dueAt'] = dueKey(id, now.toISOString()).gsi1sk;
    }
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: sourceKey(id),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(deletedAt)',
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async remove(id: string, now: Date): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: sourceKey(id),
        // The record stays (Ghost is told 410 Gone from it); the schedule no longer sees it.
        UpdateExpression: 'SET deletedAt = :now, updatedAt = :now REMOVE gsi1pk, gsi1sk, nextPollAt',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    );
  }

  listDue(now: Date, limit: number): Promise<Source[]> {
    return dueBy<Source>(this.table, DUE, now, limit);
  }

  claimPoll(id: string, expected: string | undefined, next: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: sourceKey(id),
          UpdateExpression: 'SET nextPollAt = :next, gsi1pk = :due, gsi1sk = :dueAt',
          // Of two runs that read the same due time, one moves it on and polls; the other stands down.
          ConditionExpression:
            expected === undefined
              ? 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND attribute_not_exists(nextPollAt)'
              : 'attribute_exists(pk) AND attribute_not_exists(deletedAt) AND nextPollAt = :expected',
          ExpressionAttributeValues: { ':next': next, ':due': DUE, ':dueAt': dueKey(id, next).gsi1sk, ...(expected === undefined ? {} : { ':expected': expected }) },
        }),
      ),
    );
  }

  async recordPoll(id: string, record: PollRecord): Promise<void> {
    // A poll that did not fail clears the last one's error.
    const { set, remove, names, values } = assignments({ lastError: undefined, ...record }, 'r');
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: sourceKey(id),
          UpdateExpression: updateExpression(set, remove),
          // A source removed while it was being polled stays removed.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      ),
    );
  }

  async listItems(sourceId: string): Promise<SourceItem[]> {
    const items: SourceItem[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :item)',
          ExpressionAttributeValues: { ':pk': `SOURCE#${sourceId}`, ':item': 'ITEM#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []).map((item) => withoutKeys<SourceItem>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return items;
  }

  async getItem(sourceId: string, releaseId: string): Promise<SourceItem | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: itemKey(sourceId, releaseId), ConsistentRead: true }));
    return Item ? withoutKeys<SourceItem>(Item) : undefined;
  }

  async putItem(item: SourceItem, options: { countNew?: boolean } = {}): Promise<void> {
    const record = { ...itemKey(item.sourceId, item.releaseId), ...item };
    assertItemFits(record, `post "${item.releaseId}" of source "${item.sourceId}"`);
    // The old item comes back only when there was one: of two deliveries racing with a new post, one
    // sees none. (A crash between the two writes leaves the count one short, never one over.)
    const put = await this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: record, ...(options.countNew ? { ReturnValues: 'ALL_OLD' as const } : {}) }));
    if (!options.countNew || put.Attributes) return;
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: sourceKey(item.sourceId),
          UpdateExpression: 'ADD itemsSeen :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    );
  }
}
