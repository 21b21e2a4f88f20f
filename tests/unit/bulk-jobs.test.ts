import { describe, expect, it } from 'vitest';
import {
  MAX_IMPORT_BYTES, exportJobView, importJobView, openImportUpload, requestExport, runBulkImport, runExport, startUploadedImport, type BulkJob,
} from '../../functions/domain/subscriber/bulk-jobs';
import { FakeClock, MemoryBlocklist, MemoryExportJobStore, MemoryImportJobStore, MemoryListStore, MemoryStaffFiles, MemorySubscriberStore } from '../helpers/fakes';

/** Given: empty stores and files, a queue that keeps what it is sent. */
function given() {
  const queued: BulkJob[] = [];
  const lists = new MemoryListStore();
  return {
    queued,
    deps: {
      imports: new MemoryImportJobStore(),
      exports: new MemoryExportJobStore(),
      files: new MemoryStaffFiles(),
      bulk: { send: async (jobs: BulkJob[]) => void queued.push(...jobs) },
      clock: new FakeClock(),
      subscribers: new MemorySubscriberStore(),
      lists,
    },
  };
}

describe('import uploads', () => {
  it('start only once the file is there, refuse one too large, and queue again a job still queued', async () => {
    const { deps, queued } = given();
    const { job, upload } = await openImportUpload({ dryRun: true, consent: false }, deps);
    expect(upload.url).toBe(`memory://put/imports/${job.id}.csv?expires=900`);
    expect(job).toMatchObject({ status: 'awaiting-upload', dryRun: true, consent: false });
    await expect(startUploadedImport(job.id, deps)).rejects.toMatchObject({ name: 'ConflictError' });

    deps.files.files.set(`imports/${job.id}.csv`, Buffer.alloc(MAX_IMPORT_BYTES + 1));
    await expect(startUploadedImport(job.id, deps)).rejects.toMatchObject({ name: 'ValidationError', issues: [{ field: 'file' }] });
    expect(queued).toEqual([]);

    deps.files.files.set(`imports/${job.id}.csv`, Buffer.from('email,lists\n'));
    expect(await startUploadedImport(job.id, deps)).toMatchObject({ status: 'queued' });
    // A lost message is replaced by starting again; a duplicate slice would find the job moved on.
    await startUploadedImport(job.id, deps);
    expect(queued).toEqual([{ kind: 'import', jobId: job.id }, { kind: 'import', jobId: job.id }]);
    await deps.imports.markRunning(job.id, deps.clock.now(), new Date(deps.clock.now().getTime() + 60_000));
    await expect(startUploadedImport(job.id, deps)).rejects.toMatchObject({ name: 'ConflictError', details: { status: 'running' } });
    await expect(startUploadedImport('imp_none', deps)).rejects.toMatchObject({ name: 'NotFoundError' });
  });
});

describe('import slices from the queue', () => {
  it('leave a job another worker holds, and look again once its lease has run out', async () => {
    const { deps, queued } = given();
    const { job } = await openImportUpload({ dryRun: false, consent: true }, deps);
    deps.files.files.set(`imports/${job.id}.csv`, Buffer.from('email,lists\nada@example.org,blog\n'));
    await startUploadedImport(job.id, deps);
    queued.length = 0;
    const sent: { jobs: BulkJob[]; delaySeconds?: number }[] = [];
    const bulk = { send: async (jobs: BulkJob[], options?: { delaySeconds?: number }) => void sent.push({ jobs, ...options }) };
    // A worker that took the job 10 s ago and holds it for 50 s more.
    await deps.imports.markRunning(job.id, deps.clock.now(), new Date(deps.clock.now().getTime() + 50_000));
    const slice = { subscribers: deps.subscribers, blocklist: new MemoryBlocklist(), clock: deps.clock, listIds: new Set(['blog']) };

    const result = await runBulkImport(job.id, { ...deps, bulk, slice }, 20_000);
    expect(result.outcome).toBe('leased');
    expect(sent).toEqual([{ jobs: [{ kind: 'import', jobId: job.id }], delaySeconds: 50 }]);
    expect(await deps.subscribers.findByEmail('ada@example.org')).toBeUndefined();

    deps.clock.advance(50_000);
    expect((await runBulkImport(job.id, { ...deps, bulk, slice }, 20_000)).outcome).toBe('finished');
    expect((await importJobView(job.id, deps)).report?.summary.added).toBe(1);
  });
});

describe('exports', () => {
  it('write the list to a file once, with its count, and link to it only when done', async () => {
    const { deps, queued } = given();
    deps.lists.lists.set('blog', (await new MemoryListStore([{ id: 'blog' }]).get('blog'))!);
    await deps.subscribers.addConfirmed('=cmd@example.org', ['blog'], deps.clock.now());
    await deps.subscribers.addConfirmed('ada@example.org', ['blog'], deps.clock.now());
    await expect(requestExport('nope', deps)).rejects.toMatchObject({ name: 'NotFoundError' });

    const requested = await requestExport('blog', deps);
    expect(queued).toEqual([{ kind: 'export', exportId: requested.id }]);
    expect((await exportJobView(requested.id, deps)).download).toBeUndefined();

    const done = await runExport(requested.id, deps);
    expect(done).toMatchObject({ status: 'done', rows: 2 });
    const csv = deps.files.files.get(done.fileKey)!.toString('utf8');
    expect(csv.split('\n')[0]).toBe('email,lists,status,suppressed,language,joined_at,changed_at');
    expect(csv).toContain("'=cmd@example.org,blog,confirmed");
    expect(done.bytes).toBe(Buffer.byteLength(csv));
    expect((await exportJobView(requested.id, deps)).download?.url).toBe(`memory://get/${done.fileKey}?filename=blog.csv&expires=900`);
    // A duplicate message finds it done and writes nothing.
    deps.files.files.delete(done.fileKey);
    expect((await runExport(requested.id, deps)).status).toBe('done');
    expect(deps.files.files.has(done.fileKey)).toBe(false);
  });

  it('fails, with the reason, an export whose list went away before it ran', async () => {
    const { deps } = given();
    deps.lists.lists.set('gone', (await new MemoryListStore([{ id: 'gone' }]).get('gone'))!);
    const requested = await requestExport('gone', deps);
    deps.lists.lists.delete('gone');
    expect(await runExport(requested.id, deps)).toMatchObject({ status: 'failed', error: 'No list "gone"' });
  });
});
