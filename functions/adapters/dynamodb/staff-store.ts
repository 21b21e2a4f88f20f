import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SignInLinkStore, StaffRoster, StaffSessionStore, StoredSession, StoredSignInLink } from '../../domain/staff/ports';
import type { StaffMember } from '../../domain/staff/staff-member';
import { conditionHolds, isConditionFailure, type TableRef } from './table';

/**
 * Staff share one partition, sorted by address: a few dozen people at most, read together on the
 * staff page, and one at a time (by key) on every console request.
 */
const STAFF = 'STAFF';
const memberKey = (email: string) => ({ pk: STAFF, sk: `MEMBER#${email}` });
const linkKey = (tokenHash: string) => ({ pk: `SIGNIN#${tokenHash}`, sk: 'SIGNIN' });
const sessionKey = (idHash: string) => ({ pk: `SESSION#${idHash}`, sk: 'SESSION' });

/** The table's TTL attribute (infra/storage.ts) is epoch seconds; DynamoDB removes the item some time after it. */
const ttl = (iso: string) => Math.ceil(Date.parse(iso) / 1000);

export class DynamoStaffDirectory implements StaffRoster {
  constructor(private readonly table: TableRef) {}

  async get(email: string): Promise<StaffMember | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: memberKey(email), ConsistentRead: true }));
    return Item ? { email: Item.email, role: Item.role, addedAt: Item.addedAt } : undefined;
  }

  async list(): Promise<StaffMember[]> {
    const members: StaffMember[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :staff AND begins_with(sk, :member)',
          ExpressionAttributeValues: { ':staff': STAFF, ':member': 'MEMBER#' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) members.push({ email: item.email, role: item.role, addedAt: item.addedAt });
      start = page.LastEvaluatedKey;
    } while (start);
    return members;
  }

  addIfAbsent(member: StaffMember): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: { ...memberKey(member.email), ...member },
          // Seeding runs at every cold start: it must never undo a role staff changed since.
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      ),
    );
  }

  setRole(email: string, role: StaffMember['role']): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: memberKey(email),
          UpdateExpression: 'SET #role = :role',
          // Only a member: a role set for a removed address must not bring them back.
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#role': 'role' },
          ExpressionAttributeValues: { ':role': role },
        }),
      ),
    );
  }

  async remove(email: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: memberKey(email) }));
  }
}

export class DynamoSignInLinkStore implements SignInLinkStore {
  constructor(private readonly table: TableRef) {}

  async save(link: StoredSignInLink): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...linkKey(link.tokenHash), email: link.email, validUntil: link.expiresAt, expiresAt: ttl(link.expiresAt) },
      }),
    );
  }

  async spend(tokenHash: string, now: Date): Promise<string | undefined> {
    try {
      const { Attributes } = await this.table.doc.send(
        new DeleteCommand({
          TableName: this.table.tableName,
          Key: linkKey(tokenHash),
          // Deleting is spending: of two clicks racing, only the one whose delete found the item
          // gets its address. TTL removal lags by hours, so expiry is checked here, not left to it.
          ConditionExpression: 'attribute_exists(pk) AND validUntil > :now',
          ExpressionAttributeValues: { ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes?.email as string | undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}

export class DynamoStaffSessionStore implements StaffSessionStore {
  constructor(private readonly table: TableRef) {}

  async create(session: StoredSession): Promise<void> {
    const { expiresAt, ...rest } = session;
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...sessionKey(session.idHash), ...rest, endsAt: expiresAt, expiresAt: ttl(expiresAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(idHash: string): Promise<StoredSession | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: sessionKey(idHash), ConsistentRead: true }));
    return Item ? { idHash, email: Item.email, createdAt: Item.createdAt, lastSeenAt: Item.lastSeenAt, expiresAt: Item.endsAt } : undefined;
  }

  async touch(idHash: string, lastSeenAt: Date): Promise<void> {
    // Only an existing session: a sign-out racing a page view must not bring the session back.
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: sessionKey(idHash),
          UpdateExpression: 'SET lastSeenAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':at': lastSeenAt.toISOString() },
        }),
      ),
    );
  }

  async remove(idHash: string): Promise<void> {
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: sessionKey(idHash) }));
  }
}
