import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoAddressBlocklist } from '../../functions/adapters/dynamodb/address-blocklist';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamodb/delivery-store';
import { DynamoImportJobStore } from '../../functions/adapters/dynamodb/import-job-store';
import { DynamoExportJobStore } from '../../functions/adapters/dynamodb/export-job-store';
import { ExportJobStatus, newExportJob } from '../../functions/domain/subscriber/export-job';
import { DynamoFanOutPlanStore } from '../../functions/adapters/dynamodb/fan-out-plan-store';
import { DynamoListStore } from '../../functions/adapters/dynamodb/list-store';
import { DynamoRateLimiter } from '../../functions/adapters/dynamodb/rate-limiter';
import { DynamoReleaseStatsStore } from '../../functions/adapters/dynamodb/release-stats-store';
import { DynamoReleaseStore } from '../../functions/adapters/dynamodb/release-store';
import { DynamoSourceStore } from '../../functions/adapters/dynamodb/source-store';
import type { SourceStore } from '../../functions/domain/source/ports';
import type { Source } from '../../functions/domain/source/source';
import type { SourceItem } from '../../functions/domain/source/source-item';
import { DynamoSocialPostStore } from '../../functions/adapters/dynamodb/social-post-store';
import { DynamoSubscriberStore } from '../../functions/adapters/dynamodb/subscriber-store';
import { DynamoSignInLinkStore, DynamoStaffDirectory, DynamoStaffSessionStore } from '../../functions/adapters/dynamodb/staff-store';
import { DynamoApiTokenStore } from '../../functions/adapters/dynamodb/api-token-store';
import { DynamoAuditLog } from '../../functions/adapters/dynamodb/audit-log-store';
import type { ApiTokenStore, AuditEntry, AuditLog } from '../../functions/domain/staff/ports';
import { tableDefinition, tableRef } from '../../functions/adapters/dynamodb/table';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { SendStatus } from '../../functions/domain/release/send-status';
import { DeliveryStatus } from '../../functions/domain/delivery/delivery';
import { emptyCounts } from '../../functions/domain/delivery/release-stats';
import type { AddressBlocklist, ExportJobStore, ImportJobStore, SubscriberStore } from '../../functions/domain/subscriber/ports';
import { ImportJobStatus, emptySummary, importJobReport, newImportJob, type ImportStep } from '../../functions/domain/subscriber/import-job';
import { csvSource, importCsv } from '../../functions/domain/subscriber/csv-import';
import { runImportSlice } from '../../functions/domain/subscriber/run-import-slice';
import type { DeliveryStore, FanOutPlanStore, ReleaseStatsStore } from '../../functions/domain/delivery/ports';
import type { ListStore } from '../../functions/domain/lists/ports';
import type { RateLimiter } from '../../functions/domain/ports';
import type { ReleaseStore } from '../../functions/domain/release/ports';
import type { SocialPostStore } from '../../functions/domain/social/ports';
import { SocialPostStatus, type SocialPost } from '../../functions/domain/social/social-post';
import { SuppressionReason } from '../../functions/domain/subscriber/subscriber';
import { ValidationError } from '../../functions/domain/errors';
import {
  ConsentEventType, ConsentSource, ConsentVia, consentEvent, type ConsentDetail, type ConsentEvent,
} from '../../functions/domain/subscriber/consent';
import type { MemberCounts } from '../../functions/domain/subscriber/member-counts';
import { countMembers } from '../../functions/domain/lists/recount-members';
import { startLocalDynamo, type LocalDynamo } from '../../functions/local/dynamo';
import {
  MemoryBlocklist, MemoryDeliveryStore, MemoryFanOutPlanStore, MemoryListStore, MemoryRateLimiter, MemoryReleaseStatsStore, MemoryReleaseStore, MemorySourceStore,
  MemorySocialPostStore, MemorySubscriberStore, MemoryImportJobStore, MemoryExportJobStore, MemorySignInLinkStore, MemoryStaffDirectory,
  MemoryStaffSessionStore, MemoryApiTokenStore, MemoryAuditLog, MemoryDraftStore,
} from '../helpers/fakes';
import { DynamoDraftStore } from '../../functions/adapters/dynamodb/draft-store';
import type { DraftStore } from '../../functions/domain/draft/ports';
import type { Draft } from '../../functions/domain/draft/draft';
import { releaseBody } from '../helpers/releases';

/**
 * One set of cases for each store, run against the in-memory fake the unit tests use and against
 * the DynamoDB store over dynalite: where they disagree, a unit test could pass against behaviour
 * production does not have. Each case uses ids of its own, so cases share no data.
 */
const dir = mkdtempSync(join(tmpdir(), 'pressroom-contracts-'));
let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ dataDir: dir, tableName: 'pressroom' });
});
afterAll(async () => {
  await dynamo?.close();
  rmSync(dir, { recursive: true, force: true });
});

const table = () => tableRef(dynamo.client, 'pressroom');
const t = (s: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, s));
const LEASE = 30_000;
const fresh = () => ({ release: `r-${randomUUID()}`, subscriber: `s-${randomUUID()}` });

describe.each([
  ['in memory', (): DeliveryStore => new MemoryDeliveryStore()],
  ['DynamoDB', (): DeliveryStore => new DynamoDeliveryStore(table())],
])('DeliveryStore contract: %s', (_, make) => {
  it('keeps each kind of provider report once on an existing delivery, and never creates one', async () => {
    const store = make();
    const { release, subscriber } = fresh();
    expect(await store.recordReport(release, subscriber, { kind: 'delivered', at: t(1) })).toBe('missing');
    expect(await store.get(release, subscriber)).toBeUndefined();
    await store.claim(release, subscriber, 'blog', t(0), LEASE);
    await store.markSent(release, subscriber, 'msg-1', t(1));
    expect(await store.recordReport(release, subscriber, { kind: 'delivered', at: t(2) })).toBe('recorded');
    expect(await store.recordReport(release, subscriber, { kind: 'delivered', at: t(3) })).toBe('seen');
    expect(await store.recordReport(release, subscriber, { kind: 'bounced', at: t(4), bounceType: 'transient' })).toBe('recorded');
    expect(await store.get(release, subscriber)).toMatchObject({
      status: DeliveryStatus.Sent, messageId: 'msg-1', deliveredAt: t(2).toISOString(), bouncedAt: t(4).toISOString(), bounceType: 'transient',
    });
  });

  it('reads many of a release\'s deliveries by subscriber, leaving out those with none and other releases\'', async () => {
    const store = make();
    const { release } = fresh();
    const ids = Array.from({ length: 120 }, (_, i) => `sub-${randomUUID()}-${i}`);
    for (const id of ids.slice(0, 110)) await store.claim(release, id, 'blog', t(0), LEASE);
    await store.markSent(release, ids[0], 'msg-0', t(1));
    await store.claim(`${release}-other`, ids[115], 'blog', t(0), LEASE);
    const found = await store.getMany(release, ids);
    expect(found.size).toBe(110);
    expect(found.get(ids[0])).toMatchObject({ releaseId: release, subscriberId: ids[0], status: DeliveryStatus.Sent, messageId: 'msg-0' });
    expect(found.get(ids[109])).toMatchObject({ status: DeliveryStatus.Claimed });
    expect(found.has(ids[115])).toBe(false);
    expect((await store.getMany(release, [])).size).toBe(0);
  });

  it('claims once: busy while the lease lives, claimable again once it ran out or was given back', async () => {
    const store = make();
    const { release, subscriber } = fresh();
    expect(await store.claim(release, subscriber, 'blog', t(0), LEASE)).toBe('claimed');
    expect(await store.claim(release, subscriber, 'blog', t(1), LEASE)).toBe('busy');
    expect(await store.claim(release, subscriber, 'blog', t(31), LEASE)).toBe('claimed');
    await store.releaseClaim(release, subscriber);
    expect(await store.claim(release, subscriber, 'press', t(32), LEASE, 'press')).toBe('claimed');
    expect(await store.get(release, subscriber)).toMatchObject({ status: DeliveryStatus.Claimed, listId: 'press', jobListId: 'press' });
  });

  it('ends a claimed delivery once, marks it uncounted until counted, and answers done to later claims', async () => {
    const store = make();
    const { release, subscriber } = fresh();
    expect(await store.markSent(release, subscriber, 'm-1', t(0))).toBe(false); // nothing claimed
    await store.claim(release, subscriber, 'blog', t(0), LEASE);
    expect(await store.markSent(release, subscriber, 'm-1', t(1))).toBe(true);
    expect(await store.markSent(release, subscriber, 'm-2', t(2))).toBe(false);
    expect(await store.markFailed(release, subscriber, 'late', t(2))).toBe(false);
    expect(await store.get(release, subscriber)).toMatchObject({ status: DeliveryStatus.Sent, messageId: 'm-1', uncounted: true });
    expect((await store.get(release, subscriber))?.leaseUntil).toBeUndefined();
    expect(await store.claim(release, subscriber, 'blog', t(60), LEASE)).toBe('done');
    expect(await store.markCounted(release, subscriber)).toBe(true);
    expect(await store.markCounted(release, subscriber)).toBe(false);
    expect((await store.get(release, subscriber))?.uncounted).toBeFalsy();
  });

  it('ends a rejected delivery as failed', async () => {
    const store = make();
    const { release, subscriber } = fresh();
    await store.claim(release, subscriber, 'blog', t(0), LEASE);
    expect(await store.markFailed(release, subscriber, 'address rejected', t(1))).toBe(true);
    expect(await store.get(release, subscriber)).toMatchObject({ status: DeliveryStatus.Failed, reason: 'address rejected', uncounted: true });
    expect(await store.claim(release, subscriber, 'blog', t(2), LEASE)).toBe('done');
  });

  it('skips where nothing was attempted or a lease ran out, never over a live claim or an ending', async () => {
    const store = make();
    const never = fresh();
    expect(await store.markSkipped(never.release, never.subscriber, 'blog', 'unsubscribed', t(0))).toBe(true);
    expect(await store.markSkipped(never.release, never.subscriber, 'blog', 'again', t(1))).toBe(false);
    expect(await store.get(never.release, never.subscriber)).toMatchObject({ status: DeliveryStatus.Skipped, reason: 'unsubscribed', uncounted: true });

    const live = fresh();
    await store.claim(live.release, live.subscriber, 'blog', t(0), LEASE);
    expect(await store.markSkipped(live.release, live.subscriber, 'blog', 'cancelled', t(1))).toBe(false);
    expect(await store.markSkipped(live.release, live.subscriber, 'blog', 'cancelled', t(31))).toBe(true);
  });
});

describe.each([
  ['in memory', () => {
    const stats = new MemoryReleaseStatsStore();
    return { stats, deliveries: new MemoryDeliveryStore(stats) as DeliveryStore };
  }],
  ['DynamoDB', () => ({ stats: new DynamoReleaseStatsStore(table()), deliveries: new DynamoDeliveryStore(table()) as DeliveryStore })],
])('Batch tallies (DeliveryStore with ReleaseStatsStore) contract: %s', (_, make) => {
  it('an ending stays uncounted until its tally\'s receipt names it, and only its own tally\'s receipt counts', async () => {
    const { stats, deliveries } = make();
    const { release, subscriber } = fresh();
    await deliveries.claim(release, subscriber, 'blog', t(0), LEASE);
    expect(await deliveries.markSent(release, subscriber, 'msg-1', t(1), 'tally-a')).toBe(true);
    expect(await deliveries.get(release, subscriber)).toMatchObject({ status: DeliveryStatus.Sent, tally: 'tally-a', uncounted: true });
    await stats.recordTally({ releaseId: release, tally: 'tally-b', entries: [subscriber] }, t(2));
    await stats.recordTally({ releaseId: release, tally: 'tally-a', entries: ['someone-else'] }, t(2));
    expect((await deliveries.get(release, subscriber))?.uncounted).toBe(true);
    expect(await stats.tallyCounted(release, 'tally-a', subscriber)).toBe(false);
    await stats.recordTally({ releaseId: release, tally: 'tally-a', entries: ['someone-else', subscriber] }, t(3));
    expect(await stats.tallyCounted(release, 'tally-a', subscriber)).toBe(true);
    expect(await stats.tallyCounted(`${release}-other`, 'tally-a', subscriber)).toBe(false);
    expect((await deliveries.get(release, subscriber))?.uncounted).toBeFalsy();
  });

  it('keeps the tally that counts each report, and hands it on to exactly one caller', async () => {
    const { deliveries } = make();
    const { release, subscriber } = fresh();
    await deliveries.claim(release, subscriber, 'blog', t(0), LEASE);
    await deliveries.markSent(release, subscriber, 'msg-1', t(1), 'send-tally');
    expect(await deliveries.recordReport(release, subscriber, { kind: 'delivered', at: t(2) }, 'events-1')).toBe('recorded');
    expect(await deliveries.get(release, subscriber)).toMatchObject({ deliveredAt: t(2).toISOString(), deliveredTally: 'events-1' });
    const moves = await Promise.all([
      deliveries.moveReportTally(release, subscriber, 'delivered', 'events-1', 'events-2'),
      deliveries.moveReportTally(release, subscriber, 'delivered', 'events-1', 'events-3'),
    ]);
    expect(moves.filter(Boolean)).toHaveLength(1);
    expect((await deliveries.get(release, subscriber))?.deliveredTally).toBe(moves[0] ? 'events-2' : 'events-3');
    expect(await deliveries.moveReportTally(release, subscriber, 'bounced', 'events-1', 'events-4')).toBe(false);
  });
});

describe.each([
  ['in memory', (): RateLimiter => new MemoryRateLimiter()],
  ['DynamoDB', (): RateLimiter => new DynamoRateLimiter(table())],
])('RateLimiter contract: %s', (_, make) => {
  it('lets the limit through per key and window', async () => {
    const limiter = make();
    const key = `k-${randomUUID()}`;
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await limiter.consume(key, 2, 60_000, t(i)));
    expect(answers).toEqual([true, true, false]);
    expect(await limiter.consume(`${key}-other`, 2, 60_000, t(3))).toBe(true);
    expect(await limiter.consume(key, 2, 60_000, t(61))).toBe(true);
  });
});

describe.each([
  ['in memory', (): ListStore => new MemoryListStore()],
  ['DynamoDB', (): ListStore => new DynamoListStore(table())],
])('ListStore contract: %s', (_, make) => {
  it('creates a list once, updates what it is given, and knows nothing of an unknown id', async () => {
    const store = make();
    const id = `l-${randomUUID().slice(0, 8)}`;
    const list = { id, name: 'Campaigns', public: true, archived: false, createdAt: t(0).toISOString(), updatedAt: t(0).toISOString() };
    expect(await store.create(list)).toBe(true);
    expect(await store.create({ ...list, name: 'Again' })).toBe(false);
    expect(await store.get(id)).toMatchObject({ id, name: 'Campaigns', public: true, archived: false });
    expect(await store.update(id, { name: 'Campaign news' }, t(5))).toMatchObject({ id, name: 'Campaign news', public: true, updatedAt: t(5).toISOString() });
    expect((await store.all()).find((l) => l.id === id)?.name).toBe('Campaign news');
    expect(await store.update('no-such-list', { name: 'x' }, t(6))).toBeUndefined();
    expect(await store.get('no-such-list')).toBeUndefined();
  });
});

/** A table of its own (the release listings are global to a table): created on the shared dynalite. */
let tables = 0;
async function freshTable(): Promise<ReturnType<typeof tableRef>> {
  const name = `pressroom-contract-${tables++}`;
  await dynamo.client.send(new CreateTableCommand(tableDefinition(name)));
  for (let attempt = 0; attempt < 100; attempt++) {
    const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return tableRef(dynamo.client, name);
}

const release = (id: string, publishedAt: string, extra: Partial<Release> = {}): Release => ({
  ...newRelease(parseReleaseInput(releaseBody({ id, publishedAt }), new Set(['blog'])), t(0)),
  ...extra,
});

describe.each([
  ['in memory', async (): Promise<ReleaseStore> => new MemoryReleaseStore()],
  ['DynamoDB', async (): Promise<ReleaseStore> => new DynamoReleaseStore(await freshTable())],
])('ReleaseStore contract: %s', (_, make) => {
  it('stores a release once (the first stands), its rendering once, and which release a webhook carried', async () => {
    const store = await make();
    expect((await store.create(release('a', '2026-11-01T09:00:00.000Z'))).created).toBe(true);
    const again = await store.create(release('a', '2026-11-01T09:00:00.000Z', { title: 'Edited' }));
    expect(again.created).toBe(false);
    expect(again.release.title).toBe('Spring update');
    const rendered = { subject: 'First', html: '<p>1</p>', text: '1' };
    expect(await store.saveRendered('a', rendered)).toEqual(rendered);
    expect(await store.saveRendered('a', { subject: 'Second', html: '<p>2</p>', text: '2' })).toEqual(rendered);
    await store.rememberWebhook('msg_1', 'a', t(1));
    await store.rememberWebhook('msg_1', 'b', t(2));
    expect(await store.getWebhookRelease('msg_1')).toBe('a');
    expect(await store.getWebhookRelease('msg_unknown')).toBeUndefined();
    expect(await store.get('missing')).toBeUndefined();
  });

  it('corrects a release only from the revision read, keeps the replaced revision, and lets a newer rendering replace an older one', async () => {
    const store = await make();
    const first = { ...release('c', '2026-11-01T09:00:00.000Z', { summary: 'Old summary', author: 'Ana' }), body: '<p>one</p>' };
    await store.create(first);
    await store.transition('c', [SendStatus.Queued], SendStatus.Sending, t(1));
    const corrected: Release = { ...first, title: 'Fixed', body: '<p>two</p>', summary: undefined, author: 'Ana', revision: 2, updatedAt: t(2).toISOString(), correctionNote: 'Typo', correctedFields: ['title', 'body', 'summary'] };
    const previous = { releaseId: 'c', revision: 1, at: first.receivedAt, title: first.title, url: first.url, body: '<p>one</p>', summary: 'Old summary', tags: [], author: 'Ana', changed: [] };
    expect(await store.correct(previous, corrected)).toBe(true);
    // Made against revision 1, which the release has left: refused.
    expect(await store.correct(previous, { ...corrected, title: 'Late' })).toBe(false);

    const stored = (await store.get('c'))!;
    expect(stored).toMatchObject({ title: 'Fixed', body: '<p>two</p>', revision: 2, correctionNote: 'Typo', correctedFields: ['title', 'body', 'summary'] });
    expect(stored.summary).toBeUndefined();
    // The send's own fields are not the correction's to change.
    expect(stored.sendStatus).toBe(SendStatus.Sending);
    expect((await store.listRevisions('c')).map((r) => [r.revision, r.title, r.summary])).toEqual([[1, 'Spring update', 'Old summary']]);

    const one = { subject: 'One', html: '<p>1</p>', text: '1' };
    await store.saveRendered('c', one);
    const two = { subject: 'Two', html: '<p>2</p>', text: '2', revision: 2 };
    expect(await store.saveRendered('c', two)).toEqual(two);
    expect(await store.saveRendered('c', { ...one, revision: 1 })).toEqual(two);
    expect(await store.saveRendered('c', { ...two, subject: 'Two again' })).toEqual(two);
    expect(await store.getRendered('c')).toEqual(two);
  });

  it('moves the send status only from the statuses given, and finishes planning once', async () => {
    const store = await make();
    await store.create(release('s', '2026-11-01T09:00:00.000Z'));
    expect(await store.transition('s', [SendStatus.Sending], SendStatus.Sent, t(1))).toBe(false);
    expect(await store.transition('s', [SendStatus.Queued], SendStatus.Sending, t(1))).toBe(true);
    expect(await store.get('s')).toMatchObject({ sendStatus: SendStatus.Sending, statusChangedAt: t(1).toISOString() });
    expect(await store.markPlanningFinished('s', 12, t(2))).toBe(true);
    expect(await store.markPlanningFinished('s', 99, t(3))).toBe(false);
    expect(await store.get('s')).toMatchObject({ targeted: 12, planningFinishedAt: t(2).toISOString() });
  });

  it('lists published releases newest first, in pages, leaving out an embargo until it ends', async () => {
    const store = await make();
    for (const [id, day] of [['one', 1], ['two', 2], ['three', 3]] as const) await store.create(release(id, `2026-11-0${day}T09:00:00.000Z`));
    await store.create(release('later', '2026-11-04T09:00:00.000Z', { embargoUntil: '2026-12-10T00:00:00.000Z' }));
    const now = new Date('2026-12-07T00:00:00.000Z');
    const first = await store.listPublished({ limit: 2, now });
    expect(first.releases.map((r) => r.id)).toEqual(['three', 'two']);
    const second = await store.listPublished({ before: first.next, limit: 2, now });
    expect(second.releases.map((r) => r.id)).toEqual(['one']);
    expect(second.next).toBeUndefined();
    expect((await store.listEmbargoEnded(now, 10)).map((r) => r.id)).toEqual([]);
    const after = new Date('2026-12-11T00:00:00.000Z');
    expect((await store.listEmbargoEnded(after, 10)).map((r) => r.id)).toEqual(['later']);
    await store.embargoEnded('later');
    expect(await store.listEmbargoEnded(after, 10)).toEqual([]);
    expect((await store.listPublished({ limit: 10, now: after })).releases.map((r) => r.id)).toEqual(['later', 'three', 'two', 'one']);
  });

  it('lists every release for staff newest first, embargoed too, filtered by status and list, in pages, without bodies', async () => {
    const store = await make();
    for (const [id, day] of [['one', 1], ['two', 2], ['three', 3]] as const) await store.create(release(id, `2026-11-0${day}T09:00:00.000Z`));
    await store.create(release('later', '2026-11-04T09:00:00.000Z', { embargoUntil: '2026-12-10T00:00:00.000Z' }));
    await store.create(release('press', '2026-11-05T09:00:00.000Z', { lists: ['press-releases'] }));
    await store.transition('two', [SendStatus.Queued], SendStatus.Sending, t(1));

    const first = await store.listForStaff({ limit: 2 });
    expect(first.releases.map((r) => r.id)).toEqual(['press', 'later']);
    expect(first.releases[0]).not.toHaveProperty('body');
    expect(first.releases[0]).toMatchObject({ title: 'Spring update', sendStatus: SendStatus.Queued, lists: ['press-releases'] });
    const rest = await store.listForStaff({ limit: 10, before: first.next });
    expect(rest.releases.map((r) => r.id)).toEqual(['three', 'two', 'one']);
    expect(rest.next).toBeUndefined();

    expect((await store.listForStaff({ limit: 10, status: SendStatus.Sending })).releases.map((r) => r.id)).toEqual(['two']);
    expect((await store.listForStaff({ limit: 10, listId: 'blog' })).releases.map((r) => r.id)).toEqual(['later', 'three', 'two', 'one']);
    // A filtered page still knows whether more match beyond it.
    const blogPage = await store.listForStaff({ limit: 3, listId: 'blog', status: SendStatus.Queued });
    expect(blogPage.releases.map((r) => r.id)).toEqual(['later', 'three', 'one']);
    expect(blogPage.next).toBeUndefined();
    expect((await store.listForStaff({ limit: 2, listId: 'blog', status: SendStatus.Queued })).next).toBeDefined();
  });
});

describe.each([
  ['in memory', () => ({ staff: new MemoryStaffDirectory(), links: new MemorySignInLinkStore(), sessions: new MemoryStaffSessionStore() })],
  ['DynamoDB', () => ({ staff: new DynamoStaffDirectory(table()), links: new DynamoSignInLinkStore(table()), sessions: new DynamoStaffSessionStore(table()) })],
])('Staff stores contract: %s', (_, make) => {
  it('adds a member once; a second add (a seed at the next cold start) changes nothing', async () => {
    const { staff } = make();
    const email = `staff-${randomUUID()}@example.org`;
    expect(await staff.addIfAbsent({ email, role: 'editor', addedAt: t(0).toISOString() })).toBe(true);
    expect(await staff.addIfAbsent({ email, role: 'admin', addedAt: t(1).toISOString() })).toBe(false);
    expect(await staff.get(email)).toEqual({ email, role: 'editor', addedAt: t(0).toISOString() });
    expect(await staff.get(`nobody-${randomUUID()}@example.org`)).toBeUndefined();
    const listed = await staff.list();
    expect(listed.filter((m) => m.email === email)).toEqual([{ email, role: 'editor', addedAt: t(0).toISOString() }]);
    expect(listed.map((m) => m.email)).toEqual([...listed.map((m) => m.email)].sort());
  });

  it('spends a sign-in link once, and never after it expired', async () => {
    const { links } = make();
    const hash = `h-${randomUUID()}`;
    await links.save({ tokenHash: hash, email: 'a@example.org', expiresAt: t(10).toISOString() });
    expect(await links.spend(hash, t(1))).toBe('a@example.org');
    expect(await links.spend(hash, t(2))).toBeUndefined();
    const late = `h-${randomUUID()}`;
    await links.save({ tokenHash: late, email: 'a@example.org', expiresAt: t(10).toISOString() });
    expect(await links.spend(late, t(10))).toBeUndefined();
    expect(await links.spend(`h-${randomUUID()}`, t(1))).toBeUndefined();
  });

  it('keeps a session until removed, records activity, and a touch never brings a removed one back', async () => {
    const { sessions } = make();
    const idHash = `s-${randomUUID()}`;
    const session = { idHash, email: 'a@example.org', createdAt: t(0).toISOString(), lastSeenAt: t(0).toISOString(), expiresAt: t(50).toISOString() };
    await sessions.create(session);
    expect(await sessions.get(idHash)).toEqual(session);
    await sessions.touch(idHash, t(5));
    expect((await sessions.get(idHash))?.lastSeenAt).toBe(t(5).toISOString());
    await sessions.remove(idHash);
    await sessions.touch(idHash, t(6));
    expect(await sessions.get(idHash)).toBeUndefined();
  });

  it("sets a member's role and removes a member; setting the role of a non-member adds no one", async () => {
    const { staff } = make();
    const email = `staff-${randomUUID()}@example.org`;
    await staff.addIfAbsent({ email, role: 'contributor', addedAt: t(0).toISOString() });
    expect(await staff.setRole(email, 'admin')).toBe(true);
    expect((await staff.get(email))?.role).toBe('admin');
    await staff.remove(email);
    expect(await staff.get(email)).toBeUndefined();
    expect(await staff.setRole(email, 'editor')).toBe(false);
    expect(await staff.get(email)).toBeUndefined();
  });
});

describe.each([
  ['in memory', (): ApiTokenStore => new MemoryApiTokenStore()],
  ['DynamoDB', (): ApiTokenStore => new DynamoApiTokenStore(table())],
])('ApiTokenStore contract: %s', (_, make) => {
  const token = (owner: string, n: number) => ({ id: `id${n}-${randomUUID().slice(0, 6)}`, tokenHash: `th-${randomUUID()}`, owner, name: `token ${n}`, role: 'editor' as const, createdAt: t(n).toISOString() });

  it('finds a token by hash, lists an owner\'s newest first, records use, and revokes only the owner\'s own', async () => {
    const store = make();
    const owner = `o-${randomUUID()}@example.org`;
    const [older, newer] = [token(owner, 1), token(owner, 2)];
    await store.save(older);
    await store.save(newer);
    await store.save(token(`other-${randomUUID()}@example.org`, 3));
    expect(await store.find(older.tokenHash)).toEqual(older);
    expect(await store.find(`th-${randomUUID()}`)).toBeUndefined();
    expect((await store.listByOwner(owner)).map((t) => t.id)).toEqual([newer.id, older.id]);
    await store.touch(older.tokenHash, t(9));
    expect((await store.find(older.tokenHash))?.lastUsedAt).toBe(t(9).toISOString());
    expect(await store.revoke(`someone-${randomUUID()}@example.org`, older.id)).toBe(false);
    expect(await store.revoke(owner, older.id)).toBe(true);
    expect(await store.find(older.tokenHash)).toBeUndefined();
    expect(await store.revoke(owner, older.id)).toBe(false);
    // A use racing the revocation does not bring the token back.
    await store.touch(older.tokenHash, t(10));
    expect(await store.find(older.tokenHash)).toBeUndefined();
    expect((await store.listByOwner(owner)).map((t) => t.id)).toEqual([newer.id]);
  });
});

describe.each([
  ['in memory', async (): Promise<AuditLog> => new MemoryAuditLog()],
  ['DynamoDB', async (): Promise<AuditLog> => new DynamoAuditLog(await freshTable())],
])('AuditLog contract: %s', (_, make) => {
  const entry = (actor: string, s: number): AuditEntry => ({
    at: t(s).toISOString(), actor, via: 'console', action: 'POST /admin/releases/{id}/pause', target: { id: `r${s}` }, outcome: 200, sourceIp: '192.0.2.1', userAgent: 'test',
  });

  it('pages newest first, and filters by actor', async () => {
    const log = await make();
    for (const [actor, s] of [['a@example.org', 1], ['b@example.org', 2], ['a@example.org', 3], ['a@example.org', 4], ['b@example.org', 5]] as const) await log.record(entry(actor, s));
    const first = await log.page({ limit: 2 });
    expect(first.entries.map((e) => e.target.id)).toEqual(['r5', 'r4']);
    expect(first.entries[0]).toEqual(entry('b@example.org', 5));
    const second = await log.page({ limit: 2, cursor: first.next });
    expect(second.entries.map((e) => e.target.id)).toEqual(['r3', 'r2']);
    const third = await log.page({ limit: 2, cursor: second.next });
    expect(third.entries.map((e) => e.target.id)).toEqual(['r1']);
    expect((await log.page({ limit: 10, actor: 'a@example.org' })).entries.map((e) => e.target.id)).toEqual(['r4', 'r3', 'r1']);
    expect((await log.page({ limit: 10, actor: 'nobody@example.org' })).entries).toEqual([]);
  });

  it('keeps two entries of the same instant apart', async () => {
    const log = await make();
    await log.record(entry('a@example.org', 7));
    await log.record({ ...entry('a@example.org', 7), outcome: 403 });
    expect((await log.page({ limit: 10 })).entries.map((e) => e.outcome).sort()).toEqual([200, 403]);
  });
});

const draft = (id: string, title: string, updatedAt: Date): Draft => ({
  id,
  fields: { title, format: 'markdown', body: '# Hello\n\nA body.', summary: 'Short.', lists: ['blog'], tags: ['news'], language: 'en', social: [{ channel: 'local', enabled: true, text: 'Own words' }] },
  createdBy: 'writer@example.org',
  createdAt: t(0).toISOString(),
  updatedBy: 'writer@example.org',
  updatedAt: updatedAt.toISOString(),
});

describe.each([
  ['in memory', async (): Promise<DraftStore> => new MemoryDraftStore()],
  // A table of its own: drafts share one partition, which the listing reads whole.
  ['DynamoDB', async (): Promise<DraftStore> => new DynamoDraftStore(await freshTable())],
])('Draft store contract: %s', (_, make) => {
  it('creates a draft once, keeps it whole, and lists drafts most recently changed first without their bodies', async () => {
    const store = await make();
    const first = draft('first', 'First', t(1));
    expect(await store.create(first)).toBe(true);
    expect(await store.create({ ...first, fields: { ...first.fields, title: 'Overwritten' } })).toBe(false);
    expect(await store.get('first')).toEqual(first);
    await store.create(draft('second', 'Second', t(2)));
    expect(await store.list()).toEqual([
      { id: 'second', title: 'Second', createdBy: 'writer@example.org', updatedBy: 'writer@example.org', updatedAt: t(2).toISOString() },
      { id: 'first', title: 'First', createdBy: 'writer@example.org', updatedBy: 'writer@example.org', updatedAt: t(1).toISOString() },
    ]);
  });

  it('updates only a draft that exists and nobody saved since, and a removed draft is gone for good', async () => {
    const store = await make();
    const kept = draft('kept', 'Kept', t(1));
    await store.create(kept);
    const edited = { ...kept, fields: { ...kept.fields, title: 'Edited' }, updatedBy: 'editor@example.org', updatedAt: t(3).toISOString() };
    expect(await store.update(edited, t(1).toISOString())).toBe(true);
    expect(await store.get('kept')).toEqual(edited);
    // A second edit begun on the first save: refused, the newer save kept.
    expect(await store.update({ ...edited, fields: { ...kept.fields, title: 'Stale' }, updatedAt: t(4).toISOString() }, t(1).toISOString())).toBe(false);
    expect(await store.get('kept')).toEqual(edited);
    await store.remove('kept');
    await store.remove('kept');
    expect(await store.get('kept')).toBeUndefined();
    expect(await store.update(edited, t(3).toISOString())).toBe(false);
    expect(await store.get('kept')).toBeUndefined();
    expect(await store.list()).toEqual([]);
  });
});

describe.each([
  ['in memory', async (): Promise<SubscriberStore> => new MemorySubscriberStore()],
  ['DynamoDB', async (): Promise<SubscriberStore> => new DynamoSubscriberStore(await freshTable())],
])('SubscriberStore contract: %s', (_, make) => {
  it('adds an address once, keeps the language it was created with, and finds it by id and address', async () => {
    const store = await make();
    const first = await store.addConfirmed('ada@example.org', ['blog'], t(0), 'es');
    expect(first.created).toBe(true);
    const again = await store.addConfirmed('ada@example.org', ['press'], t(1), 'en');
    expect(again.created).toBe(false);
    expect(again.subscriber.id).toBe(first.subscriber.id);
    const found = await store.findByEmail('ada@example.org');
    expect(found).toMatchObject({ id: first.subscriber.id, language: 'es' });
    expect(found?.memberships.map((m) => [m.listId, m.status]).sort()).toEqual([['blog', 'confirmed'], ['press', 'confirmed']]);
    expect((await store.get(first.subscriber.id))?.email).toBe('ada@example.org');
    expect(await store.findByEmail('nobody@example.org')).toBeUndefined();
  });

  it('marks new lists pending and leaves confirmed ones confirmed', async () => {
    const store = await make();
    const { subscriber } = await store.addConfirmed('bo@example.org', ['blog'], t(0));
    await store.addPending('bo@example.org', ['blog', 'press'], undefined, t(1));
    const memberships = (await store.get(subscriber.id))!.memberships;
    expect(memberships.map((m) => [m.listId, m.status]).sort()).toEqual([['blog', 'confirmed'], ['press', 'pending']]);
  });

  it('pages every confirmed, mailable member once, and leaves out the suppressed, the pending and those who left', async () => {
    const store = await make();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await store.addConfirmed(`m${i}@example.org`, ['blog'], t(i))).subscriber.id);
    await store.addPending('pending@example.org', ['blog'], undefined, t(8));
    await store.suppress(ids[1], 'complaint', t(9));
    await store.setMemberships(ids[2], [{ listId: 'blog', status: 'unsubscribed' }], t(9));
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.pageConfirmedMembers('blog', cursor, 2);
      paged.push(...page.subscriberIds);
      cursor = page.cursor;
    } while (cursor);
    const expected = ids.filter((_, i) => i !== 1 && i !== 2);
    expect([...paged].sort()).toEqual([...expected].sort());
    expect(new Set(paged).size).toBe(paged.length);
    expect((await store.confirmedOn(ids, ['blog'])).map((m) => m.subscriberId).sort()).toEqual([...expected].sort());

    await store.unsuppress(ids[1], t(10));
    expect((await store.confirmedOn([ids[1]], ['blog'])).map((m) => m.subscriberId)).toEqual([ids[1]]);
  });

  /** The counts the store maintains, and a count that pages every membership: both must be `expected`. */
  async function expectCounts(store: SubscriberStore, listId: string, expected: Partial<MemberCounts>) {
    const all = { confirmed: 0, pending: 0, unsubscribed: 0, suppressed: 0, ...expected };
    expect((await store.memberCounts([listId])).get(listId)).toEqual(all);
    expect(await countMembers(listId, store)).toEqual(all);
  }

  it('keeps each list\'s counts with every kind of membership change, agreeing with a paged count', async () => {
    const store = await make();
    const a = (await store.addConfirmed('a@example.org', ['blog', 'press'], t(0))).subscriber.id;
    const b = (await store.addPending('b@example.org', ['blog'], undefined, t(1))).subscriber.id;
    await expectCounts(store, 'blog', { confirmed: 1, pending: 1 });
    await expectCounts(store, 'press', { confirmed: 1 });

    // Renewing a pending sign-up, or signing up again where confirmed, changes no count.
    await store.addPending('b@example.org', ['blog'], undefined, t(2));
    await store.addPending('a@example.org', ['blog', 'digest'], undefined, t(2));
    await store.addConfirmed('a@example.org', ['blog'], t(2));
    await expectCounts(store, 'blog', { confirmed: 1, pending: 1 });
    await expectCounts(store, 'digest', { pending: 1 });

    await store.setMemberships(b, [{ listId: 'blog', status: 'confirmed' }, { listId: 'press', status: 'confirmed' }], t(3));
    await store.setMemberships(a, [{ listId: 'digest', status: 'confirmed' }, { listId: 'press', status: 'unsubscribed' }], t(3));
    await expectCounts(store, 'blog', { confirmed: 2 });
    await expectCounts(store, 'press', { confirmed: 1, unsubscribed: 1 });
    await expectCounts(store, 'digest', { confirmed: 1 });

    // Suppressed: a confirmed member moves to `suppressed`; one who left stays `unsubscribed`.
    await store.suppress(a, SuppressionReason.Complaint, t(4));
    await store.suppress(a, SuppressionReason.Complaint, t(5));
    await expectCounts(store, 'blog', { confirmed: 1, suppressed: 1 });
    await expectCounts(store, 'press', { confirmed: 1, unsubscribed: 1 });
    await expectCounts(store, 'digest', { suppressed: 1 });
    // A suppressed member who joins or leaves a list is counted by what the membership then holds.
    await store.setMemberships(a, [{ listId: 'press', status: 'confirmed' }], t(6));
    await store.unsubscribe(a, 'digest', t(6));
    await expectCounts(store, 'press', { confirmed: 1, suppressed: 1 });
    await expectCounts(store, 'digest', { unsubscribed: 1 });

    await store.unsuppress(a, t(7));
    await store.unsuppress(a, t(7));
    await expectCounts(store, 'blog', { confirmed: 2 });
    await expectCounts(store, 'press', { confirmed: 2 });

    await store.unsubscribe(b, 'blog', t(8));
    await store.unsubscribe(b, 'blog', t(8));
    await store.unsubscribe(b, 'digest', t(8)); // never joined: nothing to leave
    await store.removeMembership(b, 'press');
    await store.removeMembership(b, 'press');
    await expectCounts(store, 'blog', { confirmed: 1, unsubscribed: 1 });
    await expectCounts(store, 'press', { confirmed: 1 });

    await store.suppress(a, SuppressionReason.PermanentBounce, t(9));
    await store.erase(a);
    await store.erase(a);
    await expectCounts(store, 'blog', { unsubscribed: 1 });
    await expectCounts(store, 'press', {});
    await expectCounts(store, 'digest', {});
    await store.suppress('no-such-subscriber', SuppressionReason.Staff, t(10));
    await expectCounts(store, 'blog', { unsubscribed: 1 });
  });

  it('keeps counts exact when changes to the same memberships race', async () => {
    const store = await make();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push((await store.addConfirmed(`race${i}@example.org`, ['blog', 'press'], t(0))).subscriber.id);
    // Each writer replaces what the one before it wrote: its delta must start from that, not from what it read earlier.
    await Promise.all(ids.flatMap((id, i) => [
      store.setMemberships(id, [{ listId: 'blog', status: 'pending' }, { listId: 'press', status: 'unsubscribed' }], t(1)),
      store.unsubscribe(id, 'blog', t(1)),
      i % 2 ? store.suppress(id, SuppressionReason.Complaint, t(1)) : store.removeMembership(id, 'press'),
      store.setMemberships(id, [{ listId: 'blog', status: 'confirmed' }], t(1)),
      i % 3 ? store.addPending(`race${i}@example.org`, ['press', 'digest'], undefined, t(1)) : store.erase(id),
    ]));
    for (const listId of ['blog', 'press', 'digest']) {
      expect((await store.memberCounts([listId])).get(listId), listId).toEqual(await countMembers(listId, store));
    }
  });

  it('answers zeros for a list never counted, and adds a correction to the maintained counts only', async () => {
    const store = await make();
    await store.addConfirmed('a@example.org', ['blog'], t(0));
    expect(await store.memberCounts(['never', 'blog'])).toEqual(new Map([
      ['never', { confirmed: 0, pending: 0, unsubscribed: 0, suppressed: 0 }],
      ['blog', { confirmed: 1, pending: 0, unsubscribed: 0, suppressed: 0 }],
    ]));
    await store.adjustMemberCounts('blog', { confirmed: 4, pending: -2 });
    await store.adjustMemberCounts('blog', {});
    expect((await store.memberCounts(['blog'])).get('blog')).toEqual({ confirmed: 5, pending: -2, unsubscribed: 0, suppressed: 0 });
    expect(await countMembers('blog', store)).toEqual({ confirmed: 1, pending: 0, unsubscribed: 0, suppressed: 0 });
  });

  it('counts transient bounces in a row, rations confirmation emails, and erases everything on request', async () => {
    const store = await make();
    const { subscriber } = await store.addPending('cy@example.org', ['blog'], 'en', t(0));
    expect(await store.recordTransientBounce(subscriber.id, t(1))).toBe(1);
    expect(await store.recordTransientBounce(subscriber.id, t(2))).toBe(2);
    await store.resetTransientBounces(subscriber.id);
    expect(await store.recordTransientBounce(subscriber.id, t(3))).toBe(1);

    expect(await store.claimConfirmationEmail(subscriber.id, t(0), 60_000)).toBe(true);
    expect(await store.claimConfirmationEmail(subscriber.id, t(30), 60_000)).toBe(false);
    expect(await store.claimConfirmationEmail(subscriber.id, new Date(t(0).getTime() + 61_000), 60_000)).toBe(true);

    await store.removeMembership(subscriber.id, 'blog');
    expect((await store.get(subscriber.id))?.memberships).toEqual([]);
    await store.erase(subscriber.id);
    expect(await store.get(subscriber.id)).toBeUndefined();
    expect(await store.findByEmail('cy@example.org')).toBeUndefined();
  });

  it('keeps a subscriber\'s consent history newest first in pages, apart from other subscribers, and erases it with them', async () => {
    const store = await make();
    const ada = (await store.addPending('ada@example.org', ['blog'], undefined, t(0))).subscriber.id;
    const bo = (await store.addConfirmed('bo@example.org', ['blog'], t(0))).subscriber.id;
    const ev = (type: ConsentEventType, s: number, lists = ['blog'], source: ConsentSource = ConsentSource.Reader, detail?: ConsentDetail) =>
      consentEvent(type, lists, source, t(s), detail);
    await store.recordConsent([{ subscriberId: ada, event: ev(ConsentEventType.SignedUp, 0) }, { subscriberId: bo, event: ev(ConsentEventType.Added, 0, ['blog'], ConsentSource.Api) }]);
    await store.recordConsent([{ subscriberId: ada, event: ev(ConsentEventType.Confirmed, 1, ['blog'], ConsentSource.Reader, { via: ConsentVia.ConfirmationLink }) }]);
    // One call's events of the same instant keep their order: the later one reads as newer.
    await store.recordConsent([
      { subscriberId: ada, event: ev(ConsentEventType.Unsubscribed, 2, ['blog', 'press'], ConsentSource.System, { reason: SuppressionReason.Complaint }) },
      { subscriberId: ada, event: ev(ConsentEventType.Suppressed, 2, ['blog', 'press'], ConsentSource.System, { reason: SuppressionReason.Complaint }) },
    ]);
    await store.recordConsent([{ subscriberId: ada, event: ev(ConsentEventType.Imported, 3, ['press'], ConsentSource.Import, { importJobId: 'job-1', consent: false }) }]);
    await store.recordConsent([]);

    const paged: ConsentEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.pageConsentHistory(ada, cursor, 2);
      expect(page.events.length).toBeLessThanOrEqual(2);
      paged.push(...page.events);
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(paged.map((e) => [e.type, e.at])).toEqual([
      ['imported', t(3).toISOString()],
      ['suppressed', t(2).toISOString()],
      ['unsubscribed', t(2).toISOString()],
      ['confirmed', t(1).toISOString()],
      ['signed-up', t(0).toISOString()],
    ]);
    expect(paged[0]).toEqual({ at: t(3).toISOString(), type: 'imported', lists: ['press'], source: 'import', detail: { importJobId: 'job-1', consent: false } });
    expect(paged[4]).toEqual({ at: t(0).toISOString(), type: 'signed-up', lists: ['blog'], source: 'reader' });
    expect((await store.pageConsentHistory(bo, undefined, 10)).events).toEqual([
      { at: t(0).toISOString(), type: 'added', lists: ['blog'], source: 'api' },
    ]);
    expect(await store.pageConsentHistory('no-such-subscriber', undefined, 10)).toEqual({ events: [] });
    // A cursor is good only for the history that gave it.
    const { cursor: adaCursor } = await store.pageConsentHistory(ada, undefined, 1);
    await expect(store.pageConsentHistory(bo, adaCursor, 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(store.pageConsentHistory(ada, 'not-a-cursor', 1)).rejects.toBeInstanceOf(ValidationError);

    await store.erase(ada);
    expect((await store.pageConsentHistory(ada, undefined, 10)).events).toEqual([]);
    // An event recorded as its subscriber went (a confirmation racing a purge) goes with a second erase.
    await store.recordConsent([{ subscriberId: ada, event: ev(ConsentEventType.Confirmed, 4) }]);
    await store.erase(ada);
    expect((await store.pageConsentHistory(ada, undefined, 10)).events).toEqual([]);
    expect((await store.pageConsentHistory(bo, undefined, 10)).events).toHaveLength(1);
  });
});

describe.each([
  ['in memory', (): FanOutPlanStore => new MemoryFanOutPlanStore()],
  ['DynamoDB', (): FanOutPlanStore => new DynamoFanOutPlanStore(table())],
])('FanOutPlanStore contract: %s', (_, make) => {
  it('starts a plan at its first claim, refuses a second while the lease lives, and hands it on once given back or lapsed, where it stood', async () => {
    const store = make();
    const { release } = fresh();
    expect(await store.get(release)).toBeUndefined();
    const first = await store.claim(release, t(0), LEASE);
    expect(first).toEqual({ releaseId: release, seq: 1, listIndex: 0, targeted: 0, startedAt: t(0).toISOString() });
    expect(await store.claim(release, t(1), LEASE)).toBeUndefined();
    expect(await store.checkpoint(first!, { listIndex: 0, cursor: 'page-2', targeted: 25 })).toBe(true);
    await store.release({ ...first!, seq: 2 });
    const resumed = await store.claim(release, t(2), LEASE);
    expect(resumed).toEqual({ releaseId: release, seq: 3, listIndex: 0, cursor: 'page-2', targeted: 25, startedAt: t(0).toISOString() });
    expect(await store.claim(release, t(3), LEASE)).toBeUndefined();
    // The holder crashed: once its lease ran out, the next planner takes over.
    expect(await store.claim(release, t(33), LEASE)).toMatchObject({ seq: 4, cursor: 'page-2', targeted: 25 });
    expect(await store.get(release)).toEqual({ releaseId: release, seq: 4, listIndex: 0, cursor: 'page-2', targeted: 25, startedAt: t(0).toISOString() });
  });

  it('checkpoints only from the plan as read: a stale planner writes nothing and cannot give back the lease it lost', async () => {
    const store = make();
    const { release } = fresh();
    const stale = (await store.claim(release, t(0), LEASE))!;
    // The lease holds up to its last instant.
    expect(await store.claim(release, t(30), LEASE)).toBeUndefined();
    const current = (await store.claim(release, t(31), LEASE))!;
    expect(current.seq).toBe(stale.seq + 1);
    expect(await store.checkpoint(stale, { listIndex: 3, cursor: 'wrong', targeted: 999 })).toBe(false);
    await store.release(stale);
    expect(await store.claim(release, t(32), LEASE)).toBeUndefined();

    expect(await store.checkpoint(current, { listIndex: 0, cursor: 'page-2', targeted: 10 })).toBe(true);
    expect(await store.checkpoint(current, { listIndex: 0, cursor: 'page-3', targeted: 20 })).toBe(false);
    const moved = (await store.get(release))!;
    expect(moved).toEqual({ releaseId: release, seq: current.seq + 1, listIndex: 0, cursor: 'page-2', targeted: 10, startedAt: t(0).toISOString() });
    // The next list starts at its first page: no cursor left over from the last one.
    expect(await store.checkpoint(moved, { listIndex: 1, targeted: 30 })).toBe(true);
    const next = await store.get(release);
    expect(next).toMatchObject({ seq: current.seq + 2, listIndex: 1, targeted: 30 });
    expect(next?.cursor).toBeUndefined();

    const unknown = fresh().release;
    expect(await store.checkpoint({ ...moved, releaseId: unknown }, { listIndex: 1, targeted: 1 })).toBe(false);
    await store.release({ ...moved, releaseId: unknown });
    expect(await store.get(unknown)).toBeUndefined();
  });
});

describe.each([
  ['in memory', (): ReleaseStatsStore => new MemoryReleaseStatsStore()],
  ['DynamoDB', (): ReleaseStatsStore => new DynamoReleaseStatsStore(table())],
])('ReleaseStatsStore contract: %s', (_, make) => {
  it('answers each increment with the totals once begun before any count, and never for a release counted before', async () => {
    const store = make();
    const [begun, counted] = [`rel-${randomUUID()}`, `rel-${randomUUID()}`];
    await store.begin(begun);
    expect(await store.increment(begun, { targeted: 3 })).toMatchObject({ targeted: 3, sent: 0 });
    expect(await store.increment(begun, { sent: 2, skipped: 1 })).toMatchObject({ targeted: 3, sent: 2, skipped: 1 });
    expect(await store.get(begun)).toMatchObject({ targeted: 3, sent: 2, skipped: 1 });
    expect(await store.increment(counted, { deadLettered: 1 })).toBeFalsy();
    await store.begin(counted); // too late: the count before it is not in any totals it could vouch for
    expect(await store.increment(counted, { sent: 1 })).toBeFalsy();
    expect(await store.get(counted)).toMatchObject({ deadLettered: 1, sent: 1 });
  });

  it('counts clicks per link of a release, most clicked first, and keeps releases apart', async () => {
    const store = make();
    const release = `rel-${randomUUID()}`;
    const long = `https://example.org/${'x'.repeat(3000)}`;
    for (const url of ['https://example.org/b', 'https://example.org/a', 'https://example.org/b', long]) await store.countLinkClick(release, url);
    await store.countLinkClick(`rel-${randomUUID()}`, 'https://example.org/a');
    const links = await store.linkClicks(release);
    expect(links.slice(0, 1)).toEqual([{ url: 'https://example.org/b', clicks: 2 }]);
    expect(links.map((l) => l.clicks)).toEqual([2, 1, 1]);
    expect(links.map((l) => l.url)).toContain('https://example.org/a');
    expect(await store.linkClicks(`rel-${randomUUID()}`)).toEqual([]);
  });

  it('sums every increment of a release, made at once or one by one, leaves other releases alone, and answers zeros for one never counted', async () => {
    const store = make();
    const { release } = fresh();
    const other = fresh().release;
    // Increments at once, as batches of several workers make them (the DynamoDB store adds them in one item).
    await Promise.all(Array.from({ length: 30 }, (_, i) => store.increment(release, i % 3 === 0 ? { sent: 1, failed: 1 } : { sent: 1 })));
    await store.increment(release, { delivered: 4, bounced: 0 });
    await store.increment(release, { delivered: -1 });
    await store.increment(other, { targeted: 7 });
    expect(await store.get(release)).toEqual({ ...emptyCounts(), sent: 30, failed: 10, delivered: 3 });
    expect(await store.get(other)).toEqual({ ...emptyCounts(), targeted: 7 });
    expect(await store.get(fresh().release)).toEqual(emptyCounts());
  });

  it('records a mail event once per message, event type and recipient, whatever the case or spacing of the address', async () => {
    const store = make();
    const messageId = `m-${randomUUID()}`;
    const receipt = { messageId, eventType: 'Delivery', recipient: 'Ada@Example.org' };
    expect(await store.recordEventOnce(receipt, t(0))).toBe(true);
    expect(await store.recordEventOnce(receipt, t(1))).toBe(false);
    expect(await store.recordEventOnce({ ...receipt, recipient: ' ada@example.org ' }, t(2))).toBe(false);
    expect(await store.recordEventOnce({ ...receipt, eventType: 'Bounce' }, t(3))).toBe(true);
    expect(await store.recordEventOnce({ ...receipt, recipient: 'bo@example.org' }, t(4))).toBe(true);
    expect(await store.recordEventOnce({ ...receipt, messageId: `${messageId}-2` }, t(5))).toBe(true);
  });
});

describe.each([
  ['in memory', (): AddressBlocklist => new MemoryBlocklist()],
  ['DynamoDB', (): AddressBlocklist => new DynamoAddressBlocklist(table(), Buffer.from('contract-test-key'))],
])('AddressBlocklist contract: %s', (_, make) => {
  it('blocks an address whatever its case, once however often blocked, and forgets it on unblock; unblocking an unknown address does nothing', async () => {
    const blocklist = make();
    const id = randomUUID().slice(0, 8);
    const address = `Erased-${id}@Example.org`;
    expect(await blocklist.isBlocked(address)).toBe(false);
    await blocklist.block(address, SuppressionReason.Complaint, t(0));
    await blocklist.block(address.toLowerCase(), SuppressionReason.PermanentBounce, t(1));
    expect(await blocklist.isBlocked(address.toUpperCase())).toBe(true);
    expect(await blocklist.isBlocked(`other-${id}@example.org`)).toBe(false);
    await blocklist.unblock(address.toLowerCase());
    expect(await blocklist.isBlocked(address)).toBe(false);
    await expect(blocklist.unblock(`never-${id}@example.org`)).resolves.toBeUndefined();
  });
});

const importStep = (line: number, fromLine: number, added: number, invalid: number): ImportStep => ({
  line, rowsRead: added + invalid, reportable: invalid, summary: { ...emptySummary(), added, invalid }, now: t(line),
  chunk: { fromLine, rows: [{ line: fromLine, email: 'ada@example.org', outcome: 'added', lists: ['blog'] }, { line: fromLine + 1, email: 'x', outcome: 'invalid', reason: 'bad' }] },
});

describe.each([
  ['in memory', (): ExportJobStore => new MemoryExportJobStore()],
  ['DynamoDB', (): ExportJobStore => new DynamoExportJobStore(table())],
])('ExportJobStore contract: %s', (_, make) => {
  it('creates a job once, runs it (again after a crash) until it ends, and then never moves it', async () => {
    const jobs = make();
    const id = `exp-${randomUUID()}`;
    const job = newExportJob(id, 'blog', t(0));
    expect(await jobs.create(job)).toBe(true);
    expect(await jobs.create({ ...job, listId: 'other' })).toBe(false);
    expect(await jobs.get(id)).toEqual(job);
    expect(await jobs.get(`exp-${randomUUID()}`)).toBeUndefined();
    expect(await jobs.finish(id, { status: ExportJobStatus.Done, rows: 1, bytes: 2, now: t(1) })).toBe(false);
    expect(await jobs.markRunning(id, t(1))).toBe(true);
    expect(await jobs.markRunning(id, t(2))).toBe(true);
    expect(await jobs.finish(id, { status: ExportJobStatus.Done, rows: 3, bytes: 120, now: t(3) })).toBe(true);
    expect(await jobs.get(id)).toEqual({ ...job, status: 'done', rows: 3, bytes: 120, updatedAt: t(3).toISOString() });
    expect(await jobs.markRunning(id, t(4))).toBe(false);
    expect(await jobs.finish(id, { status: ExportJobStatus.Failed, error: 'late', now: t(5) })).toBe(false);
    expect(await jobs.markRunning(`exp-${randomUUID()}`, t(1))).toBe(false);
  });
});

describe.each([
  ['in memory', (): ImportJobStore => new MemoryImportJobStore()],
  ['DynamoDB', (): ImportJobStore => new DynamoImportJobStore(table())],
])('ImportJobStore contract: %s', (_, make) => {
  it('holds a job awaiting its upload until it is marked queued, once', async () => {
    const jobs = make();
    const id = `imp-${randomUUID()}`;
    await jobs.create(newImportJob(id, `imports/${id}.csv`, { dryRun: false, consent: true }, t(0), ImportJobStatus.AwaitingUpload));
    expect(await jobs.markRunning(id, t(1), t(60))).toBe(false);
    expect(await jobs.markQueued(id, t(2))).toBe(true);
    expect(await jobs.markQueued(id, t(3))).toBe(false);
    expect(await jobs.get(id)).toMatchObject({ status: 'queued', updatedAt: t(2).toISOString() });
    expect(await jobs.markQueued(`imp-${randomUUID()}`, t(3))).toBe(false);
  });

  it('creates a job once, runs it until it ends, and knows nothing of an unknown id', async () => {
    const jobs = make();
    const id = `imp-${randomUUID()}`;
    const job = newImportJob(id, `imports/${id}.csv`, { dryRun: false, consent: true }, t(0));
    expect(await jobs.create(job)).toBe(true);
    expect(await jobs.create({ ...job, sourceKey: 'other' })).toBe(false);
    expect(await jobs.get(id)).toEqual(job);
    expect(await jobs.get(`imp-${randomUUID()}`)).toBeUndefined();
    expect(await jobs.markRunning(`imp-${randomUUID()}`, t(1), t(60))).toBe(false);
    // Queued already: nothing to mark.
    expect(await jobs.markQueued(id, t(1))).toBe(false);
    expect(await jobs.markRunning(id, t(1), t(10))).toBe(true);
    // Another worker while the lease holds: refused; once it ran out, or was given up: taken.
    expect(await jobs.markRunning(id, t(5), t(20))).toBe(false);
    expect(await jobs.markRunning(id, t(10), t(20))).toBe(true);
    await jobs.releaseLease(id, t(10));
    expect(await jobs.markRunning(id, t(11), t(30))).toBe(false);
    await jobs.releaseLease(id, t(20));
    expect(await jobs.get(id)).not.toHaveProperty('leaseUntil');
    expect(await jobs.markRunning(id, t(12), t(40))).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ leaseUntil: t(40).toISOString() });
    expect(await jobs.finish(id, 1, { status: ImportJobStatus.Done, ignoredColumns: ['name'], stopped: { line: 9, reason: 'unclosed quote' }, now: t(3) })).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ status: 'done', ignoredColumns: ['name'], stopped: { line: 9, reason: 'unclosed quote' }, updatedAt: t(3).toISOString() });
    expect(await jobs.markRunning(id, t(99), t(100))).toBe(false);
    expect(await jobs.finish(id, 1, { status: ImportJobStatus.Failed, error: 'late', issues: [], now: t(5) })).toBe(false);
    expect((await jobs.get(id))!.status).toBe('done');
  });

  it('moves the checkpoint only from the line read, adding each batch\'s counts once with its rows', async () => {
    const jobs = make();
    const id = `imp-${randomUUID()}`;
    await jobs.create(newImportJob(id, 'k', { dryRun: false, consent: true }, t(0)));
    expect(await jobs.advance(id, 1, importStep(26, 2, 24, 1))).toBe(false); // not running yet
    await jobs.markRunning(id, t(1), t(2));
    expect(await jobs.advance(id, 1, importStep(26, 2, 24, 1))).toBe(true);
    // A duplicate worker that read line 1 too: nothing is written, nothing counted twice.
    expect(await jobs.advance(id, 1, importStep(26, 2, 24, 1))).toBe(false);
    expect(await jobs.advance(id, 26, importStep(51, 27, 20, 5))).toBe(true);
    const job = (await jobs.get(id))!;
    expect(job).toMatchObject({ line: 51, rowsRead: 50, reportable: 6, summary: { ...emptySummary(), added: 44, invalid: 6 }, updatedAt: t(51).toISOString() });
    expect(job.lastChunk).toEqual(importStep(51, 27, 20, 5).chunk);
    expect(await jobs.finish(id, 26, { status: ImportJobStatus.Failed, error: 'stale', issues: [], now: t(60) })).toBe(false);
    expect(await jobs.finish(id, 51, { status: ImportJobStatus.Failed, error: 'the CSV is empty', issues: [], now: t(60) })).toBe(true);
    expect(await jobs.get(id)).toMatchObject({ status: 'failed', error: 'the CSV is empty', line: 51 });
  });

  it('carries a job run in slices to the report a one-shot import gives', async () => {
    const jobs = make();
    const id = `imp-${randomUUID()}`;
    const rows = Array.from({ length: 130 }, (_, i) => (i % 9 === 0 ? `bad ${i},blog` : `p${i}@example.org,${i % 4 ? 'blog' : 'nope'}`));
    const body = ['email,lists,name', ...rows].join('\n');
    const world = () => ({ subscribers: new MemorySubscriberStore(), blocklist: new MemoryBlocklist(), listIds: new Set(['blog']), clock: { now: () => t(0) } });
    const expected = await importCsv(csvSource(body), { dryRun: false, consent: true }, world());
    await jobs.create(newImportJob(id, 'k', { dryRun: false, consent: true }, t(0)));
    const deps = { ...world(), jobs, sources: { open: async () => csvSource(body) } };
    // A budget of 0 ms stops each slice after its first batch: five slices of 25 rows, then the last 5.
    const outcomes = [];
    for (let slice = 0; slice < 20 && outcomes.at(-1) !== 'finished'; slice++) outcomes.push((await runImportSlice(id, deps, { timeBudgetMs: 0 })).outcome);
    expect(outcomes).toEqual([...Array(5).fill('more'), 'finished']);
    expect(importJobReport((await jobs.get(id))!, await jobs.reportChunks(id))).toEqual(expected);
  });

  it('keeps report chunks once each, and lists them in file order', async () => {
    const jobs = make();
    const id = `imp-${randomUUID()}`;
    const chunk = (fromLine: number) => importStep(fromLine + 24, fromLine, 1, 1).chunk;
    for (const fromLine of [102, 2, 27, 1002, 27]) await jobs.putReportChunk(id, chunk(fromLine));
    await jobs.putReportChunk(`imp-${randomUUID()}`, chunk(2));
    expect(await jobs.reportChunks(id)).toEqual([chunk(2), chunk(27), chunk(102), chunk(1002)]);
    expect(await jobs.reportChunks(`imp-${randomUUID()}`)).toEqual([]);
  });
});

const post = (releaseId: string, channel: string, dueAt: Date, extra: Partial<SocialPost> = {}): SocialPost => ({
  releaseId,
  channel,
  status: SocialPostStatus.Scheduled,
  dueAt: dueAt.toISOString(),
  attempts: 0,
  summary: { title: 'Spring update', url: 'https://example.org/blog/spring-update', tags: ['Blog'], language: 'en' },
  ...extra,
});
const keyOf = (p: SocialPost) => `${p.releaseId}/${p.channel}`;

describe.each([
  ['in memory', async (): Promise<SocialPostStore> => new MemorySocialPostStore()],
  // A table of its own: the due list spans every release in a table.
  ['DynamoDB', async (): Promise<SocialPostStore> => new DynamoSocialPostStore(await freshTable())],
])('SocialPostStore contract: %s', (_, make) => {
  it('schedules a post once per release and channel (the first stands), and lists a release\'s posts by channel, as copies', async () => {
    const store = await make();
    const { release } = fresh();
    const mastodon = post(release, 'mastodon', t(10));
    const bluesky = post(release, 'bluesky', t(10), { overrideText: 'Our own words' });
    await store.schedule([mastodon, bluesky, post(`${release}-other`, 'mastodon', t(10))]);
    await store.schedule([{ ...mastodon, dueAt: t(50).toISOString(), overrideText: 'Edited' }]);
    const listed = await store.listForRelease(release);
    expect(listed).toEqual([bluesky, mastodon]);
    listed[0].status = SocialPostStatus.Posted;
    expect((await store.listForRelease(release))[0].status).toBe(SocialPostStatus.Scheduled);
    expect(await store.listForRelease(fresh().release)).toEqual([]);
  });

  it('lists what is due soonest first up to the limit, leaves out what is not due or claimed, and lists a claim again once its lease lapsed', async () => {
    const store = await make();
    const { release } = fresh();
    const [late, early, middle, future] = [post(release, 'c-late', t(30)), post(release, 'c-early', t(10)), post(release, 'c-middle', t(20)), post(release, 'c-future', t(100))];
    await store.schedule([late, early, middle, future]);
    expect((await store.listDue(t(50), 10)).map(keyOf)).toEqual([early, middle, late].map(keyOf));
    expect((await store.listDue(t(50), 2)).map(keyOf)).toEqual([early, middle].map(keyOf));

    expect(await store.claim(early, t(50), LEASE)).toBe(true);
    expect((await store.listDue(t(60), 10)).map(keyOf)).toEqual([middle, late].map(keyOf));
    // Its claim ran out at t(80) (the run crashed): it is due again, after posts due before then.
    const lapsed = await store.listDue(t(90), 10);
    expect(lapsed.map(keyOf)).toEqual([middle, late, early].map(keyOf));
    expect(lapsed[2]).toMatchObject({ status: SocialPostStatus.Posting, leaseUntil: t(80).toISOString() });
  });

  it('claims a post once it is due and not again while the claim lives, again once it lapsed, and never one it does not hold', async () => {
    const store = await make();
    const { release } = fresh();
    const due = post(release, 'mastodon', t(10));
    await store.schedule([due]);
    expect(await store.claim(due, t(5), LEASE)).toBe(false);
    expect(await store.claim(due, t(10), LEASE)).toBe(true);
    expect(await store.claim(due, t(11), LEASE)).toBe(false);
    expect(await store.claim(due, t(41), LEASE)).toBe(true);
    expect(await store.claim(post(release, 'never-scheduled', t(0)), t(50), LEASE)).toBe(false);
  });

  it('counts the attempts it recorded, retries a failure at its new time, and ends a post posted or failed with no lease and off the due list', async () => {
    const store = await make();
    const { release } = fresh();
    const retried = post(release, 'mastodon', t(0));
    const failed = post(release, 'x', t(0));
    await store.schedule([retried, failed]);

    await store.claim(retried, t(1), LEASE);
    await store.markFailed(retried, 'HTTP 503', t(2), t(40));
    expect((await store.listForRelease(release))[0]).toMatchObject({ status: SocialPostStatus.Scheduled, dueAt: t(40).toISOString(), lastError: 'HTTP 503', attempts: 1 });
    expect((await store.listForRelease(release))[0].leaseUntil).toBeUndefined();
    expect((await store.listDue(t(39), 10)).map(keyOf)).toEqual([keyOf(failed)]);
    expect(await store.claim(retried, t(40), LEASE)).toBe(true);
    // A stale copy of the post (attempts 0): the record counts from what it stored.
    await store.markPosted({ ...retried, text: 'Spring update https://example.org/blog/spring-update' }, { remoteId: 'r-1', url: 'https://social.example/r-1' }, t(41));

    await store.claim(failed, t(1), LEASE);
    await store.markFailed(failed, `refused: ${'x'.repeat(3000)}`, t(2));

    const [mastodon, x] = await store.listForRelease(release);
    expect(mastodon).toMatchObject({
      status: SocialPostStatus.Posted, attempts: 2, remoteId: 'r-1', remoteUrl: 'https://social.example/r-1',
      text: 'Spring update https://example.org/blog/spring-update', postedAt: t(41).toISOString(),
    });
    expect(x).toMatchObject({ status: SocialPostStatus.Failed, attempts: 1 });
    expect(x.lastError).toHaveLength(2000);
    expect([mastodon.leaseUntil, x.leaseUntil]).toEqual([undefined, undefined]);
    expect(await store.listDue(t(600), 10)).toEqual([]);
    expect(x.lastAttemptAt).toBe(t(2).toISOString());

    // Staff retry the failed one: due at once with fresh attempts; the posted one stays as it is.
    expect(await store.retryFailed(mastodon, t(700))).toBe(false);
    expect(await store.retryFailed(x, t(700))).toBe(true);
    expect(await store.retryFailed(x, t(701))).toBe(false);
    expect((await store.listDue(t(700), 10)).map(keyOf)).toEqual([keyOf(x)]);
    expect((await store.listForRelease(release))[1]).toMatchObject({ status: SocialPostStatus.Scheduled, attempts: 0, dueAt: t(700).toISOString(), retriedAt: t(700).toISOString() });
    expect(await store.claim(x, t(700), LEASE)).toBe(true);
  });

  it('records a post whose channel gave no URL without one', async () => {
    const store = await make();
    const { release } = fresh();
    const p = post(release, 'x', t(0));
    await store.schedule([p]);
    await store.claim(p, t(1), LEASE);
    await store.markPosted({ ...p, text: 'Posted' }, { remoteId: 'r-2' }, t(2));
    const [posted] = await store.listForRelease(release);
    expect(posted).toMatchObject({ status: SocialPostStatus.Posted, remoteId: 'r-2', text: 'Posted' });
    expect(posted.remoteUrl).toBeUndefined();
  });
});

describe.each([
  ['in memory', async (): Promise<SourceStore> => new MemorySourceStore()],
  ['DynamoDB', async (): Promise<SourceStore> => new DynamoSourceStore(await freshTable())],
])('SourceStore contract: %s', (_, make) => {
  const feed = (id: string, extra: Partial<Source> = {}): Source => ({
    id, kind: 'feed', url: `https://example.org/${id}/feed/`, lists: { '*': 'blog' }, mode: 'send', pollMinutes: 10,
    createdAt: t(0).toISOString(), updatedAt: t(0).toISOString(), nextPollAt: t(1).toISOString(), itemsSeen: 0, ...extra,
  });

  it('stores a source once, lists those not removed, and keeps a removed one for its 410', async () => {
    const store = await make();
    expect(await store.create(feed('a'))).toBe(true);
    expect(await store.create(feed('a', { name: 'Again' }))).toBe(false);
    await store.create(feed('b', { createdAt: t(1).toISOString() }));
    await store.remove('b', t(2));
    expect((await store.list()).map((s) => s.id)).toEqual(['a']);
    expect((await store.get('b'))?.deletedAt).toBe(t(2).toISOString());
    expect(await store.update('b', { name: 'Too late' }, t(3))).toBe(false);
    expect(await store.listDue(t(5), 10)).toEqual([expect.objectContaining({ id: 'a' })]);
  });

  it('hands a due poll to one taker, records the poll, and starts over on a new address', async () => {
    const store = await make();
    await store.create(feed('a'));
    expect(await store.listDue(t(0), 10)).toEqual([]);
    expect(await store.claimPoll('a', t(1).toISOString(), t(11).toISOString())).toBe(true);
    expect(await store.claimPoll('a', t(1).toISOString(), t(12).toISOString())).toBe(false);
    expect(await store.listDue(t(5), 10)).toEqual([]);
    await store.recordPoll('a', { lastPolledAt: t(2).toISOString(), lastPollStatus: 'failed', lastError: 'down', itemsSeen: 0 });
    await store.recordPoll('a', { lastPolledAt: t(3).toISOString(), lastPollStatus: 'ok', etag: '"e1"', primedAt: t(3).toISOString(), itemsSeen: 4 });
    expect(await store.get('a')).toMatchObject({ lastPollStatus: 'ok', etag: '"e1"', primedAt: t(3).toISOString(), itemsSeen: 4, nextPollAt: t(11).toISOString() });
    expect((await store.get('a'))?.lastError).toBeUndefined();
    expect(await store.update('a', { url: 'https://example.org/other/', primedAt: null }, t(4))).toBe(true);
    const restarted = (await store.get('a'))!;
    expect(restarted).toMatchObject({ url: 'https://example.org/other/', nextPollAt: t(4).toISOString(), updatedAt: t(4).toISOString() });
    expect(restarted.primedAt).toBeUndefined();
    expect(restarted.etag).toBeUndefined();
    expect((await store.listDue(t(4), 10)).map((s) => s.id)).toEqual(['a']);
  });

  it('keeps what became of each post, replacing it when it changes', async () => {
    const store = await make();
    const item: SourceItem = { sourceId: 'a', releaseId: 'a-1', key: 'guid-1', state: 'seen', fingerprint: 'f1', firstSeenAt: t(0).toISOString(), lastChangedAt: t(0).toISOString() };
    await store.putItem(item);
    await store.putItem({ ...item, releaseId: 'a-2', key: 'guid-2' });
    await store.putItem({ ...item, state: 'published', lists: ['blog'], revision: 2, fingerprint: 'f2' });
    expect(await store.getItem('a', 'a-1')).toMatchObject({ state: 'published', fingerprint: 'f2', lists: ['blog'], revision: 2 });
    expect((await store.listItems('a')).map((i) => i.releaseId).sort()).toEqual(['a-1', 'a-2']);
    expect(await store.listItems('b')).toEqual([]);
  });

  it("counts a post new to the store in its source's itemsSeen when asked (Ghost), once however many deliveries race, and never a replaced one", async () => {
    const store = await make();
    await store.create(feed('g', { kind: 'ghost' }));
    const item: SourceItem = { sourceId: 'g', releaseId: 'g-1', key: 'post-1', state: 'published', fingerprint: 'f1', firstSeenAt: t(0).toISOString(), lastChangedAt: t(0).toISOString() };
    await Promise.all([store.putItem(item, { countNew: true }), store.putItem(item, { countNew: true }), store.putItem(item, { countNew: true })]);
    await store.putItem({ ...item, fingerprint: 'f2' }, { countNew: true });
    await store.putItem({ ...item, releaseId: 'g-2', key: 'post-2' }, { countNew: true });
    // Without the option (a feed poll, which records its own count) nothing is counted.
    await store.putItem({ ...item, releaseId: 'g-3', key: 'post-3' });
    expect((await store.get('g'))?.itemsSeen).toBe(2);
  });
});

describe('DynamoReleaseStatsStore: counts written before they went to one item', () => {
  it('still sums the ten shards a release was counted in before, with the one item after, and never vouches for such a release', async () => {
    const store = new DynamoReleaseStatsStore(table());
    const release = `rel-${randomUUID()}`;
    // As the store wrote them until 2026-12: a shard item per increment, RELEASESTATS#<release>#<0..9>.
    for (const [shard, sent] of [[0, 3], [7, 2]] as const) {
      await table().doc.send(new PutCommand({ TableName: 'pressroom', Item: { pk: `RELEASESTATS#${release}#${shard}`, sk: 'STATS', releaseId: release, sent, targeted: 4 } }));
    }
    expect(await store.get(release)).toMatchObject({ sent: 5, targeted: 8 });
    expect(await store.increment(release, { sent: 1 })).toBeFalsy(); // counted before begin: no totals
    expect(await store.get(release)).toMatchObject({ sent: 6, targeted: 8 });
  });
});
