import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { MailableMembership, MemberSummary, MembershipChange, SubscriberStore } from '../../domain/subscriber/ports';
import { invalidConsentCursor, type ConsentEvent, type ConsentRecord } from '../../domain/subscriber/consent';
import { MembershipStatus, pendingChanges, type Membership, type Subscriber, type SuppressionReason } from '../../domain/subscriber/subscriber';
import { countDelta, emptyMemberCounts, addCounts, MEMBER_COUNTERS, type CountedState, type MemberCounter, type MemberCounts } from '../../domain/subscriber/member-counts';
import { batchGetItems, decodeCursor, encodeCursor, GSI1, GSI2, conditionHolds, isConditionFailure, type TableRef } from './table';
import { ShardedCounters } from './sharded-counters';

const profileKey = (id: string) => ({ pk: `SUB#${id}`, sk: 'PROFILE' });
const membershipKey = (id: string, listId: string) => ({ pk: `SUB#${id}`, sk: `LIST#${listId}` });
// Mailbox providers treat addresses case-insensitively in practice, so one person is one subscriber
// whatever case they type; the address as given is kept on the profile for sending.
const emailKey = (email: string) => ({ pk: `EMAIL#${email.toLowerCase()}`, sk: 'EMAIL' });
const PENDING = 'PENDING';
// A sibling partition, not the profile's: get() reads SUB#<id> whole on every look-up, and a long
// history must not make that read grow. Sort keys start with the time, so a query reads newest first;
// the record's index keeps a call's own events in order, and the random tail keeps events of the
// same millisecond from replacing each other.
const consentPk = (id: string) => `CONSENT#${id}`;
const consentKey = (id: string, at: string, index: number) => ({
  pk: consentPk(id),
  sk: `${at}#${String(index).padStart(3, '0')}#${randomBytes(4).toString('hex')}`,
});

/**
 * Ten shards per list take ~10,000 counter writes/s: an import of a million members, several
 * imports at once and the sign-ups beside them never throttle on one list's counters.
 */
export const MEMBER_COUNT_SHARDS = 10;

/** The part of a stored membership item its list's counters depend on (none when there is no item). */
const countedState = (item: Record<string, unknown> | undefined): CountedState | undefined =>
  item ? { status: item.status as MembershipStatus, suppressed: item.suppressed === true } : undefined;

/**
 * The index keys a membership carries, derived from its state in one place:
 * - GSI1 `MEMBERS#<list>`: confirmed and not suppressed, i.e. exactly who a fan-out mails;
 * - GSI1 `PENDING`: unconfirmed sign-ups, ordered by age, for the purge job;
 * - GSI2 `LIST#<list>`: every membership, for counts and exports.
 */
function membershipIndexKeys(subscriberId: string, listId: string, status: string, suppressed: boolean, changedAt: string) {
  const gsi2 = { gsi2pk: `LIST#${listId}`, gsi2sk: subscriberId };
  if (status === MembershipStatus.Confirmed && !suppressed) return { gsi1pk: `MEMBERS#${listId}`, gsi1sk: subscriberId, ...gsi2 };
  if (status === MembershipStatus.Pending) return { gsi1pk: PENDING, gsi1sk: `${changedAt}#${subscriberId}#${listId}`, ...gsi2 };
  return { gsi1pk: undefined, gsi1sk: undefined, ...gsi2 };
}

/**
 * Subscribers, their memberships, and each list's member counts.
 *
 * Counts: items `LISTCOUNTS#<list>#<0..9>` / `COUNTS` hold `confirmed`, `pending`, `unsubscribed`
 * and `suppressed` (see member-counts.ts for which a membership falls under). Every write to a
 * membership item asks for the item as it was (`ReturnValues: ALL_OLD`), which DynamoDB returns
 * atomically with the write, and then ADDs the difference between the old and the new state to one
 * shard. Concurrent writers to one membership each see the state they replaced, so their deltas
 * chain exactly; ADDs commute, so concurrent writers to one list never lose counts.
 *
 * What can drift (dynalite has no transactions, and this store does not use them): the membership
 * write and its counter ADD are two calls. A process that dies between them (a Lambda timeout or
 * crash at that instant), or an ADD that fails after the SDK's retries, leaves that one change
 * uncounted: the membership's list is then off by one in the counter it left and the one it joined.
 * A retry of the operation does not heal it (it sees the new state and adds nothing). Nothing else
 * drifts. A recount (`POST /admin/lists/{id}/recount`) pages the memberships once and adds the
 * difference, which repairs it.
 */
export class DynamoSubscriberStore implements SubscriberStore {
  private readonly counts: ShardedCounters<MemberCounter>;

  constructor(
    private readonly table: TableRef,
    options: { countShards?: number; pickShard?: (shards: number) => number } = {},
  ) {
    this.counts = new ShardedCounters(table, {
      prefix: 'LISTCOUNTS',
      sk: 'COUNTS',
      idAttribute: 'listId',
      shards: options.countShards ?? MEMBER_COUNT_SHARDS,
      pickShard: options.pickShard,
    });
  }

  /** Counts one membership's change from the item it replaced (`ALL_OLD`) to what was written. */
  private async count(listId: string, before: Record<string, unknown> | undefined, after: CountedState | undefined): Promise<void> {
    await this.counts.add(listId, countDelta(countedState(before), after));
  }

  async memberCounts(listIds: string[]): Promise<Map<string, MemberCounts>> {
    const shards = await this.counts.shardsOf(listIds);
    return new Map(
      listIds.map((listId) => [
        listId,
        (shards.get(listId) ?? []).reduce<MemberCounts>(
          (sum, item) => addCounts(sum, Object.fromEntries(MEMBER_COUNTERS.map((c) => [c, Number(item[c] ?? 0)]))),
          emptyMemberCounts(),
        ),
      ]),
    );
  }

  async adjustMemberCounts(listId: string, delta: Partial<MemberCounts>): Promise<void> {
    await this.counts.add(listId, delta);
  }

  async addConfirmed(email: string, lists: string[], now: Date, language?: string): Promise<{ subscriber: Subscriber; created: boolean }> {
    const { subscriberId, created } = await this.idFor(email, language, now);
    await this.setMemberships(subscriberId, lists.map((listId) => ({ listId, status: MembershipStatus.Confirmed })), now);
    return { subscriber: (await this.get(subscriberId))!, created };
  }

  async addPending(email: string, lists: string[], language: string | undefined, now: Date) {
    const { subscriberId, created } = await this.idFor(email, language, now);
    const current = (await this.get(subscriberId))!;
    const changes = pendingChanges(current, lists);
    await this.writeMemberships(current, changes, now);
    if (language && language !== current.language) {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          UpdateExpression: 'SET #language = :language',
          ExpressionAttributeNames: { '#language': 'language' },
          ExpressionAttributeValues: { ':language': language },
        }),
      );
    }
    return { subscriber: (await this.get(subscriberId))!, created };
  }

  async setMemberships(subscriberId: string, changes: MembershipChange[], now: Date): Promise<void> {
    const subscriber = await this.get(subscriberId);
    if (subscriber) await this.writeMemberships(subscriber, changes, now);
  }

  private async writeMemberships(subscriber: Subscriber, changes: MembershipChange[], now: Date): Promise<void> {
    const at = now.toISOString();
    const suppressed = !!subscriber.suppressedAt;
    for (const { listId, status } of changes) {
      const { Attributes } = await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          ReturnValues: 'ALL_OLD',
          Item: {
            ...membershipKey(subscriber.id, listId),
            subscriberId: subscriber.id,
            listId,
            status,
            changedAt: at,
            // Copied from the profile so list counts can tell suppressed members apart without reading profiles.
            suppressed: subscriber.suppressedAt ? true : undefined,
            ...membershipIndexKeys(subscriber.id, listId, status, suppressed, at),
          },
        }),
      );
      await this.count(listId, Attributes, { status, suppressed });
    }
  }

  /**
   * Finds or creates the subscriber id for an address without a transaction (dynalite has none):
   * the address lookup item is the lock. A lost race reads the winner's id; the profile is
   * (re)written if missing, which also repairs a crash between the two puts.
   */
  private async idFor(email: string, language: string | undefined, now: Date): Promise<{ subscriberId: string; created: boolean }> {
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
          Item: { ...profileKey(subscriberId), id: subscriberId, email, language, createdAt: now.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    return { subscriberId, created };
  }

  async get(subscriberId: string, { consistent = true }: { consistent?: boolean } = {}): Promise<Subscriber | undefined> {
    const { Items = [] } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `SUB#${subscriberId}` },
        ConsistentRead: consistent,
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
      language: profile.language as string | undefined,
      suppressedAt: profile.suppressedAt as string | undefined,
      suppressionReason: profile.suppressionReason as SuppressionReason | undefined,
      transientBounces: profile.transientBounces as number | undefined,
      confirmationSentAt: profile.confirmationSentAt as string | undefined,
      lastBounceAt: profile.lastBounceAt as string | undefined,
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

  /**
   * Reads the membership items of every (subscriber, list) pair with BatchGetItem. A membership is mailable when it carries the `MEMBERS#<list>` index key, the same
   * test pageConfirmedMembers applies.
   */
  async confirmedOn(subscriberIds: string[], listIds: string[]): Promise<MailableMembership[]> {
    const keys = subscriberIds.flatMap((id) => listIds.map((listId) => membershipKey(id, listId)));
    const items = await batchGetItems(this.table, keys, 'memberships', { projection: 'subscriberId, listId, changedAt, gsi1pk' });
    return items
      .filter((item) => item.gsi1pk === `MEMBERS#${item.listId}`)
      .map((item) => ({ subscriberId: item.subscriberId as string, listId: item.listId as string, changedAt: item.changedAt as string }));
  }

  async unsubscribe(subscriberId: string, listId: string, now: Date): Promise<void> {
    try {
      const { Attributes } = await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: membershipKey(subscriberId, listId),
          // Removing the GSI1 keys takes the member out of every later fan-out at once.
          UpdateExpression: 'SET #status = :unsubscribed, changedAt = :now REMOVE gsi1pk, gsi1sk',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':unsubscribed': MembershipStatus.Unsubscribed, ':now': now.toISOString() },
          ReturnValues: 'ALL_OLD',
        }),
      );
      await this.count(listId, Attributes, { status: MembershipStatus.Unsubscribed, suppressed: Attributes?.suppressed === true });
    } catch (error) {
      // No membership (never joined, or erased): there is nothing to leave.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async removeMembership(subscriberId: string, listId: string): Promise<void> {
    const { Attributes } = await this.table.doc.send(
      new DeleteCommand({ TableName: this.table.tableName, Key: membershipKey(subscriberId, listId), ReturnValues: 'ALL_OLD' }),
    );
    await this.count(listId, Attributes, undefined);
  }

  async pageMembers(listId: string, cursor: string | undefined, limit: number) {
    const { Items = [], LastEvaluatedKey } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI2,
        KeyConditionExpression: 'gsi2pk = :pk',
        ExpressionAttributeValues: { ':pk': `LIST#${listId}` },
        ExclusiveStartKey: decodeCursor(cursor),
        Limit: limit,
      }),
    );
    return { members: Items.map(memberSummary), cursor: encodeCursor(LastEvaluatedKey) };
  }

  async pagePendingBefore(before: Date, cursor: string | undefined, limit: number) {
    const { Items = [], LastEvaluatedKey } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        IndexName: GSI1,
        KeyConditionExpression: 'gsi1pk = :pending AND gsi1sk < :before',
        ExpressionAttributeValues: { ':pending': PENDING, ':before': before.toISOString() },
        ExclusiveStartKey: decodeCursor(cursor),
        Limit: limit,
      }),
    );
    return { members: Items.map(memberSummary), cursor: encodeCursor(LastEvaluatedKey) };
  }

  async suppress(subscriberId: string, reason: SuppressionReason, now: Date): Promise<void> {
    await this.setSuppression(subscriberId, { suppressedAt: now.toISOString(), suppressionReason: reason });
  }

  async unsuppress(subscriberId: string, _now: Date): Promise<void> {
    await this.setSuppression(subscriberId, undefined);
  }

  /** Profile first, then the index keys of each membership, so a crash in between errs on the side of not mailing. */
  private async setSuppression(subscriberId: string, value: { suppressedAt: string; suppressionReason: SuppressionReason } | undefined) {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          UpdateExpression: value
            ? 'SET suppressedAt = :at, suppressionReason = :reason'
            : 'REMOVE suppressedAt, suppressionReason, transientBounces',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: value ? { ':at': value.suppressedAt, ':reason': value.suppressionReason } : undefined,
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return;
      throw error;
    }
    const subscriber = (await this.get(subscriberId))!;
    for (const m of subscriber.memberships) {
      const keys = membershipIndexKeys(subscriberId, m.listId, m.status, !!value, m.changedAt);
      const updated = this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: membershipKey(subscriberId, m.listId),
          // A membership removed meanwhile stays removed (no half item with only these attributes).
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
          ...(keys.gsi1pk
            ? {
                UpdateExpression: `SET gsi1pk = :g1pk, gsi1sk = :g1sk${value ? ', suppressed = :true' : ' REMOVE suppressed'}`,
                ExpressionAttributeValues: { ':g1pk': keys.gsi1pk, ':g1sk': keys.gsi1sk, ...(value ? { ':true': true } : {}) },
              }
            : value
              ? { UpdateExpression: 'SET suppressed = :true REMOVE gsi1pk, gsi1sk', ExpressionAttributeValues: { ':true': true } }
              : { UpdateExpression: 'REMOVE gsi1pk, gsi1sk, suppressed' }),
        }),
      );
      let before: Record<string, unknown> | undefined;
      try {
        before = (await updated).Attributes;
      } catch (error) {
        if (isConditionFailure(error)) continue;
        throw error;
      }
      await this.count(m.listId, before, { ...countedState(before)!, suppressed: !!value });
    }
  }

  async recordTransientBounce(subscriberId: string, now: Date): Promise<number> {
    const { Attributes } = await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: profileKey(subscriberId),
        UpdateExpression: 'ADD transientBounces :one SET lastBounceAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': now.toISOString() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Attributes?.transientBounces as number;
  }

  async resetTransientBounces(subscriberId: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          UpdateExpression: 'REMOVE transientBounces',
          ConditionExpression: 'attribute_exists(pk) AND attribute_exists(transientBounces)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claimWelcome(subscriberId: string, listId: string): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          // On the profile, not the membership: memberships are rewritten whole on every change
          // (writeMemberships), and the profile goes with an erasure.
          UpdateExpression: 'ADD welcomed :list',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(welcomed, :listId)',
          ExpressionAttributeValues: { ':list': new Set([listId]), ':listId': listId },
        }),
      ),
    );
  }

  async releaseWelcome(subscriberId: string, listId: string): Promise<void> {
    try {
      await this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          UpdateExpression: 'DELETE welcomed :list',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':list': new Set([listId]) },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async claimConfirmationEmail(subscriberId: string, now: Date, minIntervalMs: number): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: profileKey(subscriberId),
          UpdateExpression: 'SET confirmationSentAt = :now',
          // One confirmation email per address per interval, however many sign-ups race for it.
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(confirmationSentAt) OR confirmationSentAt <= :earliest)',
          ExpressionAttributeValues: {
            ':now': now.toISOString(),
            ':earliest': new Date(now.getTime() - minIntervalMs).toISOString(),
          },
        }),
      ),
    );
  }

  async recordConsent(records: ConsentRecord[]): Promise<void> {
    await Promise.all(
      records.map(({ subscriberId, event }, index) =>
        this.table.doc.send(
          new PutCommand({
            TableName: this.table.tableName,
            Item: { ...consentKey(subscriberId, event.at, index), subscriberId, ...event },
          }),
        ),
      ),
    );
  }

  async pageConsentHistory(subscriberId: string, cursor: string | undefined, limit: number) {
    // A cursor comes back from a caller: one that does not point into this history would make
    // DynamoDB refuse the query (or read from elsewhere), so it is refused here, as a 400.
    let start: Record<string, unknown> | undefined;
    try {
      start = decodeCursor(cursor);
    } catch {
      throw invalidConsentCursor();
    }
    if (start && (start.pk !== consentPk(subscriberId) || typeof start.sk !== 'string' || Object.keys(start).length !== 2)) throw invalidConsentCursor();
    const { Items = [], LastEvaluatedKey } = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': consentPk(subscriberId) },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
        Limit: limit,
      }),
    );
    const events = Items.map(
      (item): ConsentEvent => ({
        at: item.at as string,
        type: item.type as ConsentEvent['type'],
        lists: (item.lists as string[] | undefined) ?? [],
        source: item.source as ConsentEvent['source'],
        ...(item.detail ? { detail: item.detail as ConsentEvent['detail'] } : {}),
      }),
    );
    return { events, cursor: encodeCursor(LastEvaluatedKey) };
  }

  async erase(subscriberId: string): Promise<void> {
    const subscriber = await this.get(subscriberId);
    // Memberships and history first and the address lookup last: until the end, a retry can still
    // find the subscriber. History goes even without a profile, so a retry (or a second erase) also
    // removes an event recorded while the subscriber was being erased (a confirmation racing a purge).
    for (const m of subscriber?.memberships ?? []) await this.removeMembership(subscriberId, m.listId);
    let start: Record<string, unknown> | undefined;
    do {
      const { Items = [], LastEvaluatedKey } = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': consentPk(subscriberId) },
          ProjectionExpression: 'pk, sk',
          ExclusiveStartKey: start,
        }),
      );
      for (const item of Items) {
        await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: { pk: item.pk, sk: item.sk } }));
      }
      start = LastEvaluatedKey;
    } while (start);
    if (!subscriber) return;
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: profileKey(subscriberId) }));
    await this.table.doc.send(new DeleteCommand({ TableName: this.table.tableName, Key: emailKey(subscriber.email) }));
  }
}

function memberSummary(item: Record<string, unknown>): MemberSummary {
  return {
    subscriberId: item.subscriberId as string,
    listId: item.listId as string,
    status: item.status as MembershipStatus,
    changedAt: item.changedAt as string,
    suppressed: item.suppressed === true,
  };
}
