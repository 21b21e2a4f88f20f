import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Draft } from '../../domain/draft/draft';
import type { DraftStore, DraftSummary } from '../../domain/draft/ports';
import { conditionHolds, withoutKeys, type TableRef } from './table';

/**
 * Drafts share one partition, `DRAFTS`, sorted by id: a newsroom has a few dozen at most, listed
 * together on the drafts page. They carry no GSI keys, so the feeds' and staff's release indexes
 * (and the send path, which reads `RELEASE#` items only) never see one.
 */
const DRAFTS = 'DRAFTS';
const draftKey = (id: string) => ({ pk: DRAFTS, sk: `DRAFT#${id}` });

export class DynamoDraftStore implements DraftStore {
  constructor(private readonly table: TableRef) {}

  create(draft: Draft): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: { ...draftKey(draft.id), ...draft }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  update(draft: Draft, expectedUpdatedAt: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...draftKey(draft.id), ...draft },
          // Only over a draft that exists (one published, and so removed, meanwhile stays published)
          // and that nobody saved since this edit began (their changes are not overwritten unseen).
          ConditionExpression: 'attribute_exists(pk) AND updatedAt = :expected',
          ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
        }),
      ),
    );
  }

  async get(id: string): Promise<Draft | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: draftKey(id), ConsistentRead: true }));
    return Item ? withoutKeys<Draft>(Item) : undefined;
  }

  async list(): Promise<DraftSummary[]> {
    const drafts: DraftSummary[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :drafts AND begins_with(sk, :draft)',
          // The bodies stay behind: the list shows titles and who changed what when.
          ProjectionExpression: '#id, #fields.#title, createdBy, updatedBy, updatedAt',
          // Named: some of these are DynamoDB reserved words.
          ExpressionAttributeNames: { '#id': 'id', '#fields': 'fields', '#title': 'title' },
          ExpressionAttributeValues: { ':drafts': DRAFTS, ':draft': 'DRAFT#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        drafts.push({ id: item.id, title: item.fields?.title ?? '', createdBy: item.createdBy, updatedBy: item.updatedBy, updatedAt: item.updatedAt });
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return drafts.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
  }

  async remove(id: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: draftKey(id) }));
  }
}
