import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiTokenStore, StoredApiToken } from '../../domain/staff/ports';
import { conditionHolds, GSI1, type TableRef } from './table';

/**
 * A token under its hash (what every API call looks up, by key), and in its owner's GSI1 partition
 * newest first (what the tokens page lists). Revoking deletes it: a revoked token is then as
 * unknown as a made-up one.
 */
const tokenKey = (tokenHash: string) => ({ pk: `APITOKEN#${tokenHash}`, sk: 'APITOKEN' });
const ownerKeys = (token: StoredApiToken) => ({ gsi1pk: `APITOKENS#${token.owner}`, gsi1sk: `${token.createdAt}#${token.id}` });

const fromItem = (item: Record<string, unknown>): StoredApiToken => ({
  id: item.id as string,
  tokenHash: item.tokenHash as string,
  owner: item.owner as string,
  name: item.name as string,
  role: item.role as StoredApiToken['role'],
  createdAt: item.createdAt as string,
  ...(item.lastUsedAt ? { lastUsedAt: item.lastUsedAt as string } : {}),
});

export class DynamoApiTokenStore implements ApiTokenStore {
  constructor(private readonly table: TableRef) {}

  async save(token: StoredApiToken): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...tokenKey(token.tokenHash), ...ownerKeys(token), ...token },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async find(tokenHash: string): Promise<StoredApiToken | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: tokenKey(tokenHash), ConsistentRead: true }));
    return Item ? fromItem(Item) : undefined;
  }

  async listByOwner(owner: string): Promise<StoredApiToken[]> {
    const tokens: StoredApiToken[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: GSI1,
          KeyConditionExpression: 'gsi1pk = :owner',
          ExpressionAttributeValues: { ':owner': `APITOKENS#${owner}` },
          ScanIndexForward: false,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) tokens.push(fromItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return tokens;
  }

  async revoke(owner: string, id: string): Promise<boolean> {
    // The index is eventually consistent; a token made a moment ago may be missing (then 404, try again).
    const token = (await this.listByOwner(owner)).find((t) => t.id === id);
    if (!token) return false;
    return conditionHolds(
      this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: tokenKey(token.tokenHash),
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      ),
    );
  }

  async touch(tokenHash: string, at: Date): Promise<void> {
    // Only a token that still exists: a use racing its revocation must not bring it back.
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: tokenKey(tokenHash),
          UpdateExpression: 'SET lastUsedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      ),
    );
  }
}
