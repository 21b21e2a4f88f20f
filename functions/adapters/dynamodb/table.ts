import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Pressroom keeps everything in one table (the CDK stack in infra/storage.ts declares the same keys).
 *
 * | item            | pk                          | sk            | gsi1pk / gsi1sk                         |
 * | --------------- | --------------------------- | ------------- | --------------------------------------- |
 * | release         | RELEASE#<id>                | RELEASE       | gsi2: RELEASES / <publishedAt>#<id>     |
 * | rendered email  | RELEASE#<id>                | RENDERED      |                                         |
 * | social post     | RELEASE#<id>                | SOCIAL#<ch>   | SOCIAL#DUE / <due>#<id>#<ch> while due  |
 * | webhook receipt | WEBHOOK#<webhook-id>        | WEBHOOK       |                                         |
 * | subscriber      | SUB#<id>                    | PROFILE       |                                         |
 * | membership      | SUB#<id>                    | LIST#<list>   | MEMBERS#<list> / <id> while mailable,   |
 * |                 |                             |               | PENDING / <since>#<id>#<list> unconfirmed |
 * |                 |                             |               | gsi2: LIST#<list> / <id> always          |
 * | consent event   | CONSENT#<subscriber id>     | <at>#<n>#<r>  | (newest first; erased with the subscriber) |
 * | mailing list    | LISTS                       | LIST#<id>     |                                         |
 * | list counts     | LISTCOUNTS#<list>#<0..9>    | COUNTS        | (shards; subscriber-store.ts keeps them) |
 * | blocked address | BLOCKED#<keyed hash>        | BLOCKED       |                                         |
 * | rate counter    | RATE#<key>#<window>         | RATE          | (expires with its window)               |
 * | address lookup  | EMAIL#<lower-cased address> | EMAIL         |                                         |
 * | delivery        | DELIVERY#<release>#<sub>    | DELIVERY      |                                         |
 * | import job      | IMPORT#<id>                 | JOB           |                                         |
 * | import report   | IMPORT#<id>                 | CHUNK#<line>  | (line zero-padded: chunks in file order) |
 * | export job      | EXPORT#<id>                 | JOB           |                                         |
 * | staff member    | STAFF                       | MEMBER#<lower-cased address> |                          |
 * | sign-in link    | SIGNIN#<token hash>         | SIGNIN        | (deleted when spent; expires in 15 min)  |
 * | console session | SESSION#<session id hash>   | SESSION       | (expires at its absolute end)            |
 * | API token       | APITOKEN#<token hash>       | APITOKEN      | APITOKENS#<owner> / <created>#<id>       |
 * | audit entry     | AUDIT                       | <at>#<random> | AUDITBY#<actor> / <at>#<random>; expires after 2 years |
 * | draft release   | DRAFTS                      | DRAFT#<id>    | (none: no index, feed or send sees one)  |
 *
 * Consent events sit in a sibling partition of their subscriber's, so that reading a subscriber
 * (`SUB#<id>`, every look-up) never reads their history; `<n>` orders one call's events and the
 * random tail keeps events of the same millisecond apart.
 * Deliveries get a partition each so that one release's send spreads over the whole key space.
 * GSI1 is sparse: only mailable or pending memberships and due posts carry its keys.
 * GSI2 `RELEASES` lists releases by publication for the feeds and the archive (written by
 * `create()`; releases stored before it existed carry no GSI2 keys and are not listed).
 */
export const GSI1 = 'gsi1';
export const GSI2 = 'gsi2';

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
      { AttributeName: 'gsi2pk', AttributeType: 'S' },
      { AttributeName: 'gsi2sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: GSI1,
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: GSI2,
        KeySchema: [
          { AttributeName: 'gsi2pk', KeyType: 'HASH' },
          { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export interface TableRef {
  doc: DynamoDBDocumentClient;
  tableName: string;
}

export function tableRef(client: DynamoDBClient, tableName: string): TableRef {
  return {
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    tableName,
  };
}

export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string })?.name === 'ConditionalCheckFailedException';
}

/**
 * Awaits a conditional write and says whether its condition held: false when DynamoDB refused it
 * on the condition (someone else got there first, or the item is not in the state the caller read),
 * any other error thrown. The stores' "first one wins" moves all read this way.
 *
 * @example
 * return conditionHolds(this.table.doc.send(new PutCommand({ ..., ConditionExpression: 'attribute_not_exists(pk)' })));
 */
export async function conditionHolds(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Opaque pagination cursor from a DynamoDB LastEvaluatedKey. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return cursor ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
}

/** Drops the key attributes from an item read back from the table. */
export function withoutKeys<T>(item: Record<string, unknown>): T {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, expiresAt: _e, ...rest } = item;
  return rest as T;
}

/**
 * Reads items by key with BatchGetItem: 100 keys per call (its limit), retrying the keys DynamoDB
 * leaves unprocessed (under throttling) with a short backoff. Items come back in no particular order.
 *
 * @throws Error naming `what` when keys stay unprocessed after several tries.
 * @example
 * const items = await batchGetItems(table, ids.map((id) => ({ pk: `SUB#${id}`, sk: 'PROFILE' })), 'profiles');
 */
export async function batchGetItems(
  table: TableRef,
  keys: Record<string, unknown>[],
  what: string,
  options: { projection?: string } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let pending = keys.slice(start, start + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 8) throw new Error(`Could not read ${what}: DynamoDB kept keys unprocessed`);
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const { Responses, UnprocessedKeys } = await table.doc.send(
        new BatchGetCommand({
          RequestItems: { [table.tableName]: { Keys: pending, ConsistentRead: true, ...(options.projection ? { ProjectionExpression: options.projection } : {}) } },
        }),
      );
      found.push(...(Responses?.[table.tableName] ?? []));
      pending = (UnprocessedKeys?.[table.tableName]?.Keys as Record<string, unknown>[] | undefined) ?? [];
    }
  }
  return found;
}

/**
 * The items of a sparse GSI1 partition whose sort key (`<ISO time>#…`) is due by `now`, soonest
 * first: embargoes ending, social posts and feed polls waiting their turn all sit in one such
 * partition each.
 *
 * @example
 * const due = await dueBy<SocialPost>(table, 'SOCIAL#DUE', now, 25);
 */
export async function dueBy<T>(table: TableRef, partition: string, now: Date, limit: number): Promise<T[]> {
  const { Items = [] } = await table.doc.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :due AND gsi1sk <= :until',
      ExpressionAttributeValues: { ':due': partition, ':until': `${now.toISOString()}#\uffff` },
      Limit: limit,
    }),
  );
  return Items.map((item) => withoutKeys<T>(item));
}

/**
 * The SET and REMOVE clauses that write `fields` onto an item: a value is set, `undefined` or
 * `null` removed (a store writes what the domain object holds, and an absent field must not linger).
 * Names and values are numbered under `prefix` so that a caller can add its own beside them.
 *
 * @example
 * const { set, remove, names, values } = assignments({ title: 'New', summary: undefined }, 'c');
 * // set: ['#c0 = :c0'], remove: ['#c1'], names: { '#c0': 'title', '#c1': 'summary' }, values: { ':c0': 'New' }
 */
export function assignments(fields: Record<string, unknown>, prefix: string): { set: string[]; remove: string[]; names: Record<string, string>; values: Record<string, unknown> } {
  const set: string[] = [];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  for (const [i, [field, value]] of Object.entries(fields).entries()) {
    names[`#${prefix}${i}`] = field;
    if (value === undefined || value === null) remove.push(`#${prefix}${i}`);
    else {
      set.push(`#${prefix}${i} = :${prefix}${i}`);
      values[`:${prefix}${i}`] = value;
    }
  }
  return { set, remove, names, values };
}

/** `SET a, b REMOVE c` from clauses, leaving out an empty part. */
export function updateExpression(set: string[], remove: string[]): string {
  return [set.length ? `SET ${set.join(', ')}` : '', remove.length ? `REMOVE ${remove.join(', ')}` : ''].filter(Boolean).join(' ');
}
