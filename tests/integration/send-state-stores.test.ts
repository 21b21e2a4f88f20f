import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from '../../functions/local/dynamo';
import { tableRef } from '../../functions/adapters/dynamodb/table';
import { DynamoReleaseStore } from '../../functions/adapters/dynamodb/release-store';
import { DynamoDeliveryStore } from '../../functions/adapters/dynamodb/delivery-store';
import { newRelease } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { PausedBy, SendStatus } from '../../functions/domain/release/send-status';
import { releaseBody } from '../helpers/releases';

/** The conditional writes behind the send state machine and counting-once, against dynalite. */
describe('send state in DynamoDB', () => {
  let dynamo: LocalDynamo;
  let releases: DynamoReleaseStore;
  let deliveries: DynamoDeliveryStore;
  const dir = mkdtempSync(join(tmpdir(), 'pressroom-send-state-'));
  const t = (s: number) => new Date(Date.UTC(2026, 10, 29, 12, 0, s));

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ dataDir: dir, tableName: 'pressroom' });
    const table = tableRef(dynamo.client, 'pressroom');
    releases = new DynamoReleaseStore(table);
    deliveries = new DynamoDeliveryStore(table);
    await releases.create(newRelease(parseReleaseInput(releaseBody(), new Set(['blog'])), t(0)));
  });
  afterAll(async () => {
    await dynamo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('moves only from the statuses given, writes and removes fields with the move, and keeps the first start', async () => {
    expect(await releases.transition('spring-update', [SendStatus.Sending], SendStatus.Paused, t(1))).toBe(false);
    expect(await releases.transition('spring-update', [SendStatus.Queued], SendStatus.Sending, t(1))).toBe(true);
    expect(await releases.transition('spring-update', [SendStatus.Sending], SendStatus.Paused, t(2), {
      pausedFrom: SendStatus.Sending, pausedReason: 'bounce rate 6.2 % over 5 %', pausedBy: PausedBy.Threshold,
    })).toBe(true);
    expect(await releases.get('spring-update')).toMatchObject({
      sendStatus: 'paused', sendStartedAt: t(1).toISOString(), pausedReason: 'bounce rate 6.2 % over 5 %', pausedBy: 'threshold', statusChangedAt: t(2).toISOString(),
    });
    expect(await releases.transition('spring-update', [SendStatus.Paused], SendStatus.Sending, t(3), {
      pausedFrom: null, pausedReason: null, pausedBy: null, thresholdsOverriddenAt: t(3).toISOString(),
    })).toBe(true);
    const resumed = (await releases.get('spring-update'))!;
    expect(resumed).toMatchObject({ sendStatus: 'sending', sendStartedAt: t(1).toISOString(), thresholdsOverriddenAt: t(3).toISOString() });
    expect(resumed).not.toHaveProperty('pausedReason');
    expect(resumed).not.toHaveProperty('pausedFrom');
    expect(await releases.transition('missing', [SendStatus.Queued], SendStatus.Sending, t(3))).toBe(false);
  });

  it('records planning finished once', async () => {
    expect(await releases.markPlanningFinished('spring-update', 42, t(4))).toBe(true);
    expect(await releases.markPlanningFinished('spring-update', 43, t(5))).toBe(false);
    expect(await releases.get('spring-update')).toMatchObject({ targeted: 42, planningFinishedAt: t(4).toISOString() });
    expect(await releases.markPlanningFinished('missing', 1, t(5))).toBe(false);
  });

  it('ends a delivery once: the first end wins, and only a claim ends', async () => {
    expect(await deliveries.markSent('spring-update', 'sub-1', 'm-1', t(1))).toBe(false); // never claimed
    expect(await deliveries.claim('spring-update', 'sub-1', 'blog', t(1), 60_000, 'press')).toBe('claimed');
    expect(await deliveries.markSent('spring-update', 'sub-1', 'm-1', t(2))).toBe(true);
    expect(await deliveries.markSent('spring-update', 'sub-1', 'm-2', t(3))).toBe(false);
    expect(await deliveries.markFailed('spring-update', 'sub-1', 'late', t(3))).toBe(false);
    expect(await deliveries.markSkipped('spring-update', 'sub-1', 'blog', 'late', t(3))).toBe(false);
    expect(await deliveries.get('spring-update', 'sub-1')).toMatchObject({ status: 'sent', messageId: 'm-1', listId: 'blog', jobListId: 'press' });
  });

  it('skips over nothing or over a claim whose lease ran out, never over a live claim', async () => {
    expect(await deliveries.markSkipped('spring-update', 'sub-2', 'blog', 'cancelled', t(1))).toBe(true);
    expect(await deliveries.markSkipped('spring-update', 'sub-2', 'blog', 'cancelled', t(2))).toBe(false);
    expect(await deliveries.claim('spring-update', 'sub-3', 'blog', t(1), 10_000)).toBe('claimed');
    expect(await deliveries.markSkipped('spring-update', 'sub-3', 'blog', 'cancelled', t(5))).toBe(false);
    expect(await deliveries.markSkipped('spring-update', 'sub-3', 'blog', 'cancelled', t(12))).toBe(true);
    expect(await deliveries.get('spring-update', 'sub-3')).toMatchObject({ status: 'skipped', reason: 'cancelled', jobListId: 'blog' });
  });

  it('marks every ending uncounted until exactly one caller clears the mark', async () => {
    expect(await deliveries.claim('spring-update', 'sub-4', 'blog', t(1), 60_000)).toBe('claimed');
    expect(await deliveries.markFailed('spring-update', 'sub-4', 'rejected', t(2))).toBe(true);
    expect(await deliveries.markSkipped('spring-update', 'sub-5', 'blog', 'left', t(2))).toBe(true);
    for (const id of ['sub-4', 'sub-5']) {
      expect(await deliveries.get('spring-update', id)).toMatchObject({ uncounted: true, endedAt: t(2).toISOString() });
      expect(await Promise.all([deliveries.markCounted('spring-update', id), deliveries.markCounted('spring-update', id)])).toEqual(
        expect.arrayContaining([true, false]),
      );
      expect((await deliveries.get('spring-update', id))?.uncounted).toBeUndefined();
    }
    expect(await deliveries.markCounted('spring-update', 'nobody')).toBe(false);
  });
});
