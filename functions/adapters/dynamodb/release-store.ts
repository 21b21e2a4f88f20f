import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { PublishedReleasesPage, ReleaseStore, StaffReleaseQuery, StoreReleaseResult } from '../../domain/release/ports';
import { SendStatus } from '../../domain/release/send-status';
import type { SendStatusChanges } from '../../domain/release/release';
import type { Release } from '../../domain/release/release';
import type { RenderedEmail } from '../../domain/release/rendered-email';
import type { ReleaseRevision } from '../../domain/release/correction';
import { cursorPosition, isListed, listingPosition, releaseCursor } from '../../domain/feeds/listing';
import { GSI2, assignments, conditionHolds, dueBy, isConditionFailure, updateExpression, withoutKeys, type TableRef } from './table';
import { assertItemFits } from './item-size';

const releaseKey = (id: string) => ({ pk: `RELEASE#${id}`, sk: 'RELEASE' });
// The release's own language keeps the bare `RENDERED`; a translation's is `RENDERED#<tag>`, lower-cased
// because tags compare case-insensitively (translations.ts).
const renderedKey = (id: string, language?: string) => ({ pk: `RELEASE#${id}`, sk: language ? `RENDERED#${language.toLowerCase()}` : 'RENDERED' });
const webhookKey = (id: string) => ({ pk: `WEBHOOK#${id}`, sk: 'WEBHOOK' });
// Zero-padded so that the partition's sort order is revision order.
const revisionKey = (id: string, revision: number) => ({ pk: `RELEASE#${id}`, sk: `REVISION#${String(revision).padStart(6, '0')}` });

/**
 * Every release sits in one GSI2 partition, sorted by publication, for the feeds and the archive.
 * Releases arrive a few a day, and those readers are cached (`max-age=300`), so one partition is far
 * below its read and write limits.
 */
const RELEASES = 'RELEASES';
const listingKey = (release: Release) => ({ gsi2pk: RELEASES, gsi2sk: listingPosition(release) });

/**
 * An embargoed release waits in a sparse GSI1 partition sorted by embargo end, until the
 * `release-embargoed` schedule starts its send and removes the keys.
 */
const EMBARGOED = 'EMBARGOED';
const embargoKey = (release: Release) =>
  release.embargoUntil ? { gsi1pk: EMBARGOED, gsi1sk: `${release.embargoUntil}#${release.id}` } : {};

/** What the staff list of releases reads of each: everything but the bodies and the rendering inputs. */
const STAFF_LIST_FIELDS = [
  'id', 'kind', 'title', 'url', 'lists', 'tags', 'publishedAt', 'language', 'embargoUntil', 'receivedAt', 'sendStatus', 'statusChangedAt',
  'sendError', 'sendStartedAt', 'planningFinishedAt', 'targeted', 'finishedAt', 'pausedFrom', 'pausedReason', 'pausedBy', 'resumeAt', 'thresholdsOverriddenAt', 'publishedBy',
  'revision', 'updatedAt',
] as const;

/** What a correction writes on the release item (correction.ts): its content and revision fields. */
const CORRECTED_FIELDS = [
  'title', 'url', 'body', 'summary', 'tags', 'author', 'translations', 'correctionNote', 'correctedFields', 'correctedBy', 'revision', 'updatedAt',
] as const satisfies readonly (keyof Release)[];

/** Senders retry webhooks for hours or days; a month of receipts covers any sane retry policy. */
const WEBHOOK_RECEIPT_DAYS = 30;

export class DynamoReleaseStore implements ReleaseStore {
  constructor(private readonly table: TableRef) {}

  async create(release: Release): Promise<StoreReleaseResult> {
    const item = { ...releaseKey(release.id), ...listingKey(release), ...embargoKey(release), ...release };
    assertItemFits(item, `release "${release.id}"`);
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { created: true, release };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { created: false, release: (await this.get(release.id))! };
    }
  }

  async get(id: string, { consistent = true }: { consistent?: boolean } = {}): Promise<Release | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: releaseKey(id), ConsistentRead: consistent }),
    );
    return Item ? withoutKeys<Release>(Item) : undefined;
  }

  async saveRendered(id: string, rendered: RenderedEmail, language?: string): Promise<RenderedEmail> {
    const item = { ...renderedKey(id, language), ...rendered };
    assertItemFits(item, `rendered email of release "${id}"`);
    const revision = rendered.revision ?? 1;
    try {
      await this.table.doc.send(
        new PutCommand({
          TableName: this.table.tableName,
          Item: item,
          // First rendering of a revision wins (every recipient of it gets the same email); a
          // correction's rendering replaces an older revision's (stored without `revision`: 1).
          ConditionExpression:
            revision === 1 ? 'attribute_not_exists(pk)' : 'attribute_not_exists(pk) OR attribute_not_exists(revision) OR revision < :revision',
          ...(revision === 1 ? {} : { ExpressionAttributeValues: { ':revision': revision } }),
        }),
      );
      return rendered;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return (await this.getRendered(id, language))!;
    }
  }

  async getRendered(id: string, language?: string): Promise<RenderedEmail | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: renderedKey(id, language), ConsistentRead: true }),
    );
    return Item ? withoutKeys<RenderedEmail>(Item) : undefined;
  }

  async transition(id: string, from: SendStatus[], to: SendStatus, now: Date, changes: SendStatusChanges = {}): Promise<boolean> {
    const fromValues = Object.fromEntries(from.map((s, i) => [`:from${i}`, s]));
    const fromList = Object.keys(fromValues).join(', ');
    // Changes left out stay as they are; `null` removes one.
    const given = assignments(Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)), 'f');
    const set = ['sendStatus = :to', 'statusChangedAt = :now', ...given.set];
    const { remove, names } = given;
    const values: Record<string, unknown> = { ...fromValues, ...given.values };
    // The fan-out's move `queued → sending` is when the send started (a resume keeps or lacks it).
    if (to === SendStatus.Sending && from.includes(SendStatus.Queued)) set.push('sendStartedAt = if_not_exists(sendStartedAt, :now)');
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: releaseKey(id),
          UpdateExpression: updateExpression(set, remove),
          // Only from the statuses the caller read: a concurrent move (a pause racing the last
          // delivery's completion, two staff clicks) makes exactly one of them win.
          ConditionExpression: `attribute_exists(pk) AND sendStatus IN (${fromList})`,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ExpressionAttributeValues: { ...values, ':to': to, ':now': now.toISOString() },
        }),
      ),
    );
  }

  async markPlanningFinished(id: string, targeted: number, now: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: releaseKey(id),
          UpdateExpression: 'SET planningFinishedAt = :now, targeted = :targeted',
          // First finish wins: a redelivered fan-out job that re-plans must not change the figure
          // that completion is measured against.
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(planningFinishedAt)',
          ExpressionAttributeValues: { ':now': now.toISOString(), ':targeted': targeted },
        }),
      ),
    );
  }

  async correct(previous: ReleaseRevision, corrected: Release): Promise<boolean> {
    const revisionItem = { ...revisionKey(previous.releaseId, previous.revision), ...previous };
    assertItemFits(revisionItem, `revision ${previous.revision} of release "${previous.releaseId}"`);
    // Written from the stored content before the release moves on, and overwritten by any retry:
    // a crash between the two writes leaves a record of the content that is still current.
    await this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: revisionItem }));
    const { set, remove, names, values } = assignments(Object.fromEntries(CORRECTED_FIELDS.map((field) => [field, corrected[field]])), 'c');
    assertItemFits({ ...releaseKey(corrected.id), ...corrected }, `release "${corrected.id}"`);
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: releaseKey(corrected.id),
          UpdateExpression: updateExpression(set, remove),
          // Only from the revision the correction was made against: of two corrections made at once,
          // one wins and the other compares again with what won.
          ConditionExpression: previous.revision === 1 ? 'attribute_exists(pk) AND (attribute_not_exists(revision) OR revision = :from)' : 'revision = :from',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ...values, ':from': previous.revision },
        }),
      ),
    );
  }

  async listRevisions(id: string): Promise<ReleaseRevision[]> {
    const revisions: ReleaseRevision[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :revision)',
          ExpressionAttributeValues: { ':pk': `RELEASE#${id}`, ':revision': 'REVISION#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      revisions.push(...(page.Items ?? []).map((item) => withoutKeys<ReleaseRevision>(item)));
      start = page.LastEvaluatedKey;
    } while (start);
    return revisions;
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

  async listPublished({ before, limit, now }: { before?: string; limit: number; now: Date }): Promise<PublishedReleasesPage> {
    const boundary = before === undefined ? undefined : cursorPosition(before);
    const releases: Release[] = [];
    let more = false;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: GSI2,
          KeyConditionExpression: boundary === undefined ? 'gsi2pk = :releases' : 'gsi2pk = :releases AND gsi2sk < :before',
          ExpressionAttributeValues: { ':releases': RELEASES, ...(boundary === undefined ? {} : { ':before': boundary }) },
          ScanIndexForward: false,
          // One more than asked, to know whether a next page exists. Embargoed releases are filtered
          // here rather than in a FilterExpression so that `isListed` stays the one rule.
          Limit: limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const release = withoutKeys<Release>(item);
        if (!isListed(release, now)) continue;
        if (releases.length === limit) {
          more = true;
          break;
        }
        releases.push(release);
      }
      start = page.LastEvaluatedKey;
    } while (start && !more);
    return { releases, next: more ? releaseCursor(releases.at(-1)!) : undefined };
  }

  async listForStaff({ before, limit, status, listId }: StaffReleaseQuery): Promise<PublishedReleasesPage> {
    const boundary = before === undefined ? undefined : cursorPosition(before);
    const releases: Release[] = [];
    let more = false;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          IndexName: GSI2,
          KeyConditionExpression: boundary === undefined ? 'gsi2pk = :releases' : 'gsi2pk = :releases AND gsi2sk < :before',
          ExpressionAttributeValues: { ':releases': RELEASES, ...(boundary === undefined ? {} : { ':before': boundary }) },
          // The list shows no bodies: leave them (up to 400 KB each) in the table.
          ProjectionExpression: STAFF_LIST_FIELDS.map((_, i) => `#f${i}`).join(', '),
          ExpressionAttributeNames: Object.fromEntries(STAFF_LIST_FIELDS.map((field, i) => [`#f${i}`, field])),
          ScanIndexForward: false,
          Limit: limit + 1,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const release = withoutKeys<Release>(item);
        if ((status && release.sendStatus !== status) || (listId && !release.lists.includes(listId))) continue;
        if (releases.length === limit) {
          more = true;
          break;
        }
        releases.push(release);
      }
      start = page.LastEvaluatedKey;
    } while (start && !more);
    return { releases, next: more ? releaseCursor(releases.at(-1)!) : undefined };
  }

  listEmbargoEnded(now: Date, limit: number): Promise<Release[]> {
    return dueBy<Release>(this.table, EMBARGOED, now, limit);
  }

  async embargoEnded(id: string): Promise<void> {
    await this.table.doc.send(
      new UpdateCommand({
        TableName: this.table.tableName,
        Key: releaseKey(id),
        UpdateExpression: 'REMOVE gsi1pk, gsi1sk',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  async getWebhookRelease(webhookId: string): Promise<string | undefined> {
    const { Item } = await this.table.doc.send(
      new GetCommand({ TableName: this.table.tableName, Key: webhookKey(webhookId), ConsistentRead: true }),
    );
    return Item?.releaseId as string | undefined;
  }
}
