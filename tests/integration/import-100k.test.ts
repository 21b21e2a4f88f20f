import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalS3, type LocalS3 } from '../../functions/local/s3-server';
import { LOCAL_CLIENT_CONFIG } from '../../functions/local/dynamo';
import { S3StaffFiles } from '../../functions/adapters/s3/staff-files';
import { openImportUpload, runBulkImport, startUploadedImport, importJobView, type BulkJob, type BulkJobDeps } from '../../functions/domain/subscriber/bulk-jobs';
import { FULL_REPORT_ROWS, csvSource, importCsv } from '../../functions/domain/subscriber/csv-import';
import { FakeClock, MemoryBlocklist, MemoryImportJobStore, MemorySubscriberStore } from '../helpers/fakes';

/** A clock that moves on 1 ms each time it is read, so a slice's time budget runs out after some batches. */
class TickingClock extends FakeClock {
  override now() {
    this.advance(1);
    return super.now();
  }
}

const ROWS = 100_000;
// Every 1,000th row has no valid address and every 997th names a list that does not exist.
const invalid = (i: number) => i % 1000 === 0 || i % 997 === 0;

/**
 * The README's promise: a 100,000-row CSV imports. Through the job path as it runs on AWS: the file
 * uploaded through a pre-signed URL to S3 (the local stand-in, over HTTP), the job started, then
 * run slice after slice from the bulk queue's messages until it ends, and its report read.
 *
 * The stores are the in-memory ones: the DynamoDB adapters of the same ports pass the same
 * contract tests (store-contracts.test.ts), and dynalite imports about 100 new rows a second on
 * this machine, which would make this one test a quarter of an hour (docs/benchmarks.md).
 */
describe(`a ${ROWS.toLocaleString('en')}-row import as a job`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pressroom-import-'));
  let s3: LocalS3;
  let client: S3Client;

  beforeAll(async () => {
    s3 = await startLocalS3({ dataDir, buckets: ['files'] });
    client = new S3Client({ ...LOCAL_CLIENT_CONFIG, endpoint: s3.endpoint, forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });
  });
  afterAll(async () => {
    client.destroy();
    await s3.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('imports every row over many slices and reports as a one-shot import would', async () => {
    const clock = new TickingClock();
    const subscribers = new MemorySubscriberStore();
    const queued: BulkJob[] = [];
    const deps: BulkJobDeps = {
      imports: new MemoryImportJobStore(),
      exports: undefined as never,
      files: new S3StaffFiles(client, 'files'),
      bulk: { send: async (jobs) => void queued.push(...jobs) },
      clock,
    };
    const slice = { subscribers, blocklist: new MemoryBlocklist(), clock, listIds: new Set(['blog', 'events']) };

    const lines = ['email,lists'];
    for (let i = 1; i <= ROWS; i++) {
      if (i % 1000 === 0) lines.push(`row ${i} has no address,blog`);
      else lines.push(`reader${i}@example.org,${i % 997 === 0 ? 'gardening' : i % 2 ? 'blog' : 'blog;events'}`);
    }
    const { job, upload } = await openImportUpload({ dryRun: false, consent: true }, deps);
    expect((await fetch(upload.url, { method: 'PUT', body: lines.join('\n') })).status).toBe(200);
    await startUploadedImport(job.id, deps);

    // The bulk queue's consumer: one message, one slice, until none is left.
    let slices = 0;
    while (queued.length) {
      const message = queued.shift()!;
      if (message.kind !== 'import') throw new Error('an import queues only its own slices');
      await runBulkImport(message.jobId, { ...deps, slice }, 1_000);
      slices++;
    }
    const view = await importJobView(job.id, deps);
    const bad = Array.from({ length: ROWS }, (_, i) => i + 1).filter(invalid);

    expect(view.status).toBe('done');
    expect(slices).toBeGreaterThan(5);
    expect(view.report!.rowsRead).toBe(ROWS);
    expect(view.report!.summary).toEqual({
      added: ROWS - bad.length, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: bad.length, pendingConfirmation: 0,
    });
    // A file this size lists only the rows that need a look, each with its line (the header is line 1).
    expect(view.report!.rows.map((r) => r.line)).toEqual(bad.map((i) => i + 1));
    expect(view.report!.rows.every((r) => r.outcome === 'invalid' && r.reason)).toBe(true);
    expect(view.report!.rowsOmitted).toContain('plain added and unchanged rows are left out');
    expect(ROWS).toBeGreaterThan(FULL_REPORT_ROWS);
    expect((await subscribers.findByEmail('reader99999@example.org'))?.email).toBe('reader99999@example.org');

    // The same file in one go, into stores of its own: the job's report is the one it answers.
    const oneShot = await importCsv(csvSource(lines.join('\n')), { dryRun: false, consent: true }, { ...slice, subscribers: new MemorySubscriberStore(), clock: new TickingClock() });
    expect(view.report).toEqual(oneShot);
  }, 300_000);
});
