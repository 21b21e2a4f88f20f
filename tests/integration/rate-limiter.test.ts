import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoRateLimiter } from '../../functions/adapters/dynamodb/rate-limiter';
import { tableRef } from '../../functions/adapters/dynamodb/table';
import { startLocalDynamo, type LocalDynamo } from '../../functions/local/dynamo';

/** The sign-up abuse limiter against dynalite through the real SDK: fixed windows, per key, under concurrency. */
describe('DynamoRateLimiter (dynalite)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-rate-limiter-'));
  let dynamo: LocalDynamo;
  let limiter: DynamoRateLimiter;
  const minute = 60_000;
  const at = (ms: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, 0) + ms);

  beforeAll(async () => {
    dynamo = await startLocalDynamo({ dataDir, tableName: 'pressroom' });
    limiter = new DynamoRateLimiter(tableRef(dynamo.client, 'pressroom'));
  });
  afterAll(async () => {
    await dynamo?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the limit through in a window, refuses the next, and starts again in the next window', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await limiter.consume('ip:198.51.100.7', 3, minute, at(i * 1000)));
    expect(answers).toEqual([true, true, true, false]);
    expect(await limiter.consume('ip:198.51.100.7', 3, minute, at(minute))).toBe(true);
  });

  it('counts each key on its own', async () => {
    expect(await limiter.consume('email:a', 1, minute, at(0))).toBe(true);
    expect(await limiter.consume('email:a', 1, minute, at(1))).toBe(false);
    expect(await limiter.consume('email:b', 1, minute, at(2))).toBe(true);
  });

  it('lets exactly the limit through when requests race', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => limiter.consume('ip:203.0.113.9', 5, minute, at(0))));
    expect(answers.filter(Boolean)).toHaveLength(5);
  });
});
