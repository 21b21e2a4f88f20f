import { describe, expect, it } from 'vitest';
import { csvSource, importCsv, type CsvImportDeps, type CsvImportOptions } from '../../functions/domain/subscriber/csv-import';
import { ImportJobStatus, importJobReport, newImportJob } from '../../functions/domain/subscriber/import-job';
import { runImportSlice, type ImportSliceDeps, type ImportSliceResult } from '../../functions/domain/subscriber/run-import-slice';
import { FakeClock, MemoryBlocklist, MemoryImportJobStore, MemorySubscriberStore } from '../helpers/fakes';

/** A clock that moves on 1 ms each time it is read, so a time budget runs out after some batches. */
class TickingClock extends FakeClock {
  override now() {
    this.advance(1);
    return super.now();
  }
}

/** `rows` data rows of every kind: new, known, repeated, invalid, suppressed, unknown lists. */
function file(rows: number): string {
  const lines = ['email,lists,language,status,suppressed,name'];
  for (let i = 0; i < rows; i++) {
    if (i % 97 === 0) lines.push(`not an address ${i},blog,,,,X`);
    else if (i % 89 === 0) lines.push(`person${i}@example.org,gardening,,,,X`);
    else if (i % 83 === 0) lines.push(`person${i}@example.org,blog,,,true,X`);
    else if (i % 79 === 0) lines.push(`person${i}@example.org,blog,,unsubscribed,,X`);
    else if (i % 13 === 0) lines.push(`known${i % 50}@example.org,blog;events,,,,X`);
    else if (i % 11 === 0) lines.push(`person${i - 1}@example.org,events,,,,X`);
    else lines.push(`person${i}@example.org,blog,en,,,X`);
  }
  return lines.join('\n');
}

/** Stores as a staff member would find them: some addresses known, one suppressed, one erased. */
async function world() {
  const clock = new TickingClock();
  const subscribers = new MemorySubscriberStore();
  const blocklist = new MemoryBlocklist();
  for (let i = 0; i < 50; i += 2) await subscribers.addConfirmed(`known${i}@example.org`, ['blog'], clock.now());
  const { subscriber } = await subscribers.addConfirmed('person2@example.org', ['blog'], clock.now());
  await subscribers.suppress(subscriber.id, 'complaint', clock.now());
  await blocklist.block('person3@example.org');
  const deps: CsvImportDeps = { subscribers, blocklist, clock, listIds: new Set(['blog', 'events']) };
  return { deps, subscribers };
}

const OPTIONS: CsvImportOptions = { dryRun: false, consent: true };

async function givenJob(body: string, options = OPTIONS) {
  const { deps } = await world();
  const jobs = new MemoryImportJobStore();
  const sliceDeps: ImportSliceDeps = { ...deps, jobs, sources: { open: async () => csvSource(body) } };
  await jobs.create(newImportJob('imp-1', 'imports/imp-1.csv', options, deps.clock.now()));
  return { jobs, deps: sliceDeps };
}

/** Runs slices until one says finished; a slice that throws is run again, as a queue would redeliver it. */
async function runToEnd(deps: ImportSliceDeps, timeBudgetMs: number) {
  const outcomes: string[] = [];
  for (let i = 0; i < 1000; i++) {
    let result: ImportSliceResult;
    try {
      result = await runImportSlice('imp-1', deps, { timeBudgetMs });
    } catch (error) {
      outcomes.push(`threw: ${(error as Error).message}`);
      continue;
    }
    outcomes.push(result.outcome);
    if (result.outcome === 'finished') return outcomes;
  }
  throw new Error('never finished');
}

async function oneShot(body: string, options = OPTIONS) {
  const { deps } = await world();
  return importCsv(csvSource(body), options, deps);
}

const total = (summary: object) => Object.values(summary as Record<string, number>).reduce((a, b) => a + b, 0);

describe('import job', () => {
  it.each([
    ['2,000 rows (a large report: plain rows left out)', 2_000, 40],
    ['600 rows (a full report)', 600, 10],
  ])('imports %s in several slices with the same summary and report as a one-shot import', async (_, rows, timeBudgetMs) => {
    const body = file(rows);
    const expected = await oneShot(body);
    const { jobs, deps } = await givenJob(body);

    const outcomes = await runToEnd(deps, timeBudgetMs);

    expect(outcomes.length).toBeGreaterThan(2);
    expect(outcomes.slice(0, -1).every((o) => o === 'more')).toBe(true);
    const job = (await jobs.get('imp-1'))!;
    expect(job.status).toBe(ImportJobStatus.Done);
    expect(importJobReport(job, await jobs.reportChunks('imp-1'))).toEqual(expected);
    expect(expected.rowsRead).toBe(rows);
  });

  it('resumes between rows whose quoted fields span lines, and ends where a broken quote stopped the file, as a one-shot import does', async () => {
    const lines = ['email,lists,name'];
    for (let i = 0; i < 120; i++) lines.push(i % 7 === 0 ? `person${i}@example.org,blog,"two\nlines"` : `person${i}@example.org,blog,X`);
    lines.push('"never-closed@example.org,blog', 'after@example.org,blog');
    const body = lines.join('\n');
    const expected = await oneShot(body);
    const { jobs, deps } = await givenJob(body);

    const outcomes = await runToEnd(deps, 2);

    expect(outcomes.length).toBeGreaterThan(2);
    expect(expected.stopped).toBeDefined();
    expect(importJobReport((await jobs.get('imp-1'))!, await jobs.reportChunks('imp-1'))).toEqual(expected);
  });

  it('keeps at most the rows a report can show, whatever the file size', async () => {
    const { jobs, deps } = await givenJob(file(2_000));
    await runToEnd(deps, 1_000_000);
    const kept = (await jobs.reportChunks('imp-1')).flatMap((c) => c.rows);
    expect(kept.length).toBeLessThanOrEqual(1_000 + (await jobs.get('imp-1'))!.reportable);
    expect((await jobs.get('imp-1'))!.reportable).toBeLessThan(2_000);
  });

  it('does not double count a batch imported before a crash and before its checkpoint', async () => {
    const body = file(2_000);
    const expected = await oneShot(body);
    const { jobs, deps } = await givenJob(body);
    let advances = 0;
    const advance = jobs.advance.bind(jobs);
    jobs.advance = async (...args) => {
      // The 10th batch's rows are written to the store, then the worker dies before checkpointing.
      if (++advances === 10) throw new Error('worker died before its checkpoint');
      return advance(...args);
    };

    const outcomes = await runToEnd(deps, 40);

    expect(outcomes).toContain('threw: worker died before its checkpoint');
    const job = (await jobs.get('imp-1'))!;
    const report = importJobReport(job, await jobs.reportChunks('imp-1'));
    expect(job.rowsRead).toBe(2_000);
    expect(total(job.summary)).toBe(2_000);
    // The replayed batch finds its rows imported already: they count once, as unchanged.
    expect(job.summary.added + job.summary.updated + job.summary.unchanged).toBe(expected.summary.added + expected.summary.updated + expected.summary.unchanged);
    expect({ ...job.summary, added: 0, updated: 0, unchanged: 0 }).toEqual({ ...expected.summary, added: 0, updated: 0, unchanged: 0 });
    expect(new Set(report.rows.map((r) => `${r.line}:${r.outcome}`)).size).toBe(report.rows.length);
    expect(report.rows.filter((r) => !['added', 'updated', 'unchanged'].includes(r.outcome))).toEqual(
      expected.rows.filter((r) => !['added', 'updated', 'unchanged'].includes(r.outcome)),
    );
  });

  it('does not double count a checkpoint that landed though its worker saw it fail', async () => {
    const body = file(2_000);
    const expected = await oneShot(body);
    const { jobs, deps } = await givenJob(body);
    let advances = 0;
    const advance = jobs.advance.bind(jobs);
    jobs.advance = async (...args) => {
      const landed = await advance(...args);
      if (++advances === 10) throw new Error('connection reset after the write');
      return landed;
    };

    await runToEnd(deps, 40);

    const job = (await jobs.get('imp-1'))!;
    expect(job.summary).toEqual(expected.summary);
    expect(importJobReport(job, await jobs.reportChunks('imp-1'))).toEqual(expected);
  });

  it('counts once when a duplicate slice runs concurrently: the second finds the job leased and writes nothing', async () => {
    const body = file(2_000);
    const expected = await oneShot(body);
    const { jobs, deps } = await givenJob(body);

    const both = await Promise.all([runImportSlice('imp-1', deps, { timeBudgetMs: 1_000_000 }), runImportSlice('imp-1', deps, { timeBudgetMs: 1_000_000 })]);

    expect(both.map((r) => r.outcome).sort()).toEqual(['finished', 'leased']);
    const job = (await jobs.get('imp-1'))!;
    expect(job.status).toBe(ImportJobStatus.Done);
    expect(job.rowsRead).toBe(2_000);
    expect(total(job.summary)).toBe(2_000);
    expect(job.summary.invalid).toBe(expected.summary.invalid);
    // Nothing imported twice, so every row is reported as a single run would report it.
    expect(importJobReport(job, await jobs.reportChunks('imp-1'))).toEqual(expected);
  });

  it('answers finished for a job already done, without reading its file again', async () => {
    const { deps } = await givenJob(file(30));
    await runToEnd(deps, 1_000_000);
    const again = await runImportSlice('imp-1', { ...deps, sources: { open: async () => { throw new Error('read again'); } } }, { timeBudgetMs: 10 });
    expect(again.outcome).toBe('finished');
    expect(again.job.rowsRead).toBe(30);
  });

  it('fails a job whose file can never import, keeping the reason', async () => {
    const { jobs, deps } = await givenJob('name,address\nAda,ada@example.org');
    const result = await runImportSlice('imp-1', deps, { timeBudgetMs: 1_000 });
    expect(result.outcome).toBe('finished');
    expect((await jobs.get('imp-1'))).toMatchObject({ status: ImportJobStatus.Failed, error: expect.stringMatching(/email and lists/) });
  });
});
