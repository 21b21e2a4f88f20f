import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalDynamo, type LocalDynamo } from '../../functions/local/dynamo';
import { tableRef } from '../../functions/adapters/dynamodb/table';
import { DynamoSendRateGate } from '../../functions/adapters/dynamodb/send-rate-gate';

/** The shared pacer against dynalite, with workers racing for slots the way concurrent Lambdas do. */
describe('DynamoSendRateGate', () => {
  let dynamo: LocalDynamo;
  const dir = mkdtempSync(join(tmpdir(), 'pressroom-gate-'));

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ dataDir: dir, tableName: 'pressroom' });
  });
  afterAll(async () => {
    await dynamo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('hands concurrent workers disjoint slots that together stay under the rate', async () => {
    const gate = new DynamoSendRateGate(tableRef(dynamo.client, 'pressroom'), async () => 100);
    const now = new Date();
    const reservations = await Promise.all(Array.from({ length: 8 }, () => gate.reserve(10, now)));
    const slots = reservations.flat().map((d) => d.getTime()).sort((a, b) => a - b);
    expect(slots).toHaveLength(80);
    for (let i = 1; i < slots.length; i++) expect(slots[i] - slots[i - 1]).toBeGreaterThanOrEqual(1000 / 100 - 0.001);
  });

  it('after a throttle the next slots start later and further apart', async () => {
    // 10/s: slots ~103 ms apart, ~115 ms after the trim; whole milliseconds (Date) cannot hide it.
    const gate = new DynamoSendRateGate(tableRef(dynamo.client, 'pressroom'), async () => 10);
    const before = await gate.reserve(2, new Date());
    await gate.slowDown(new Date());
    const after = await gate.reserve(2, new Date());
    expect(after[0].getTime()).toBeGreaterThan(before[1].getTime());
    expect(after[1].getTime() - after[0].getTime()).toBeGreaterThan(before[1].getTime() - before[0].getTime());
  });

  it('tells the batch how it read each throttle: jitter after a quiet second, too fast within one or within its burst', async () => {
    const gate = new DynamoSendRateGate(tableRef(dynamo.client, 'pressroom'), async () => 10);
    // Ahead of the clock, so the gate computes at exactly these instants, a window after any earlier throttle.
    const t0 = Date.now() + 60_000;
    expect(await gate.slowDown(new Date(t0))).toBe('jitter');
    expect(await gate.slowDown(new Date(t0 + 50))).toBe('too-fast'); // the same burst: the window is still full
    expect(await gate.slowDown(new Date(t0 + 300))).toBe('too-fast');
    expect(await gate.slowDown(new Date(t0 + 320))).toBe('too-fast'); // its burst
    expect(await gate.slowDown(new Date(t0 + 5_000))).toBe('jitter');
  });

  it('with a deadline reserves only the slots before it, and the next worker gets the ones it left', async () => {
    // 10/s, less what earlier cases' throttles took. Well ahead of the clock and of their slots, so
    // the gate computes at exactly these instants.
    const gate = new DynamoSendRateGate(tableRef(dynamo.client, 'pressroom'), async () => 10);
    const t0 = Date.now() + 600_000;
    const first = (await gate.reserve(10, new Date(t0), new Date(t0 + 450))).map((d) => d.getTime() - t0);
    const interval = first[1] - first[0];
    expect(first[0]).toBe(0);
    expect(first).toHaveLength(Math.floor(450 / interval) + 1);
    expect(first.length).toBeLessThan(10);
    const [next] = await gate.reserve(1, new Date(t0));
    expect(next.getTime() - t0 - first.at(-1)!).toBeCloseTo(interval, -1);
  });

  it('does not pace at all when the rate is unlimited', async () => {
    const gate = new DynamoSendRateGate(tableRef(dynamo.client, 'pressroom'), async () => undefined);
    const now = new Date();
    expect((await gate.reserve(3, now)).map((d) => d.getTime())).toEqual([now.getTime(), now.getTime(), now.getTime()]);
  });
});
