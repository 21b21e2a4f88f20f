/** A quiet local Pressroom in a temp dir for the benchmarks, with a raw table handle for seeding. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startLocalPressroom, type LocalOptions } from '../functions/local/runner';
import { LOCAL_CLIENT_CONFIG } from '../functions/local/dynamo';
import { tableRef, type TableRef } from '../functions/adapters/dynamodb/table';

const quiet = { info() {}, warn() {}, error: (m: string, a?: unknown) => console.error(m, a) };

export async function startBenchPressroom(options: Partial<LocalOptions> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-bench-'));
  const pressroom = await startLocalPressroom({ port: 0, schedulerIntervalMs: 3_600_000, logger: quiet, ...options, dataDir });
  const dynamo = new DynamoDBClient({ ...LOCAL_CLIENT_CONFIG, endpoint: pressroom.dynamoEndpoint });
  const table: TableRef = tableRef(dynamo, 'pressroom');
  return {
    ...pressroom,
    table,
    dynamo,
    async close() {
      dynamo.destroy();
      await pressroom.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Samples `process.memoryUsage()` every `everyMs` until stopped; returns the peaks. */
export function sampleMemory(everyMs = 20) {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const m = process.memoryUsage();
      return { peakRss: Math.max(rss, m.rss), peakHeap: Math.max(heap, m.heapUsed) };
    },
  };
}

export const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
