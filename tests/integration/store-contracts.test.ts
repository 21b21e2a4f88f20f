import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamodb/delivery-store';
import { DynamoListStore } from '../../functions/adapters/dynamodb/list-store';
import { DynamoRateLimiter } from '../../functions/adapters/dynamodb/rate-limiter';
import { tableRef } from '../../functions/adapters/dynamodb/table';
import { DeliveryStatus } from '../../functions/domain/delivery/delivery';
import type { DeliveryStore, ListStore, RateLimiter } from '../../functions/domain/ports';
import { startLocalDynamo, type LocalDynamo } from '../../functions/local/dynamo';
import { MemoryDeliveryStore, MemoryListStore, MemoryRateLimiter } from '../helpers/fakes';

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
