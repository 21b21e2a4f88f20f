import { NotFoundError, ValidationError } from '../errors';
import { SUMMARY_KEY, importBatch, readCsvBatches, type CsvImportDeps, type ImportRowReport } from './csv-import';
import { ImportJobStatus, emptySummary, keptRows, type ImportJob, type ImportJobEnd, type ImportStep } from './import-job';
import type { ImportJobStore, ImportSources } from './ports';

export interface ImportSliceDeps extends CsvImportDeps {
  jobs: Pick<ImportJobStore, 'get' | 'markRunning' | 'releaseLease' | 'advance' | 'putReportChunk' | 'finish'>;
  sources: ImportSources;
}

/**
 * `finished`: the job is done or failed (by this slice or another). `more`: the time budget ran out;
 * run another slice. `superseded`: another worker moved the job on first; this one wrote nothing
 * and should leave the job to that worker. `leased`: another worker holds the job (until
 * `job.leaseUntil`); this one wrote nothing, and should try again once that lease has run out, in
 * case its holder crashed.
 */
export type ImportSliceResult = { outcome: 'finished' | 'more' | 'superseded' | 'leased'; job: ImportJob };

/**
 * A slice holds its job for its budget and this much more: time for the batch that runs past the
 * budget and its checkpoint. A crashed worker's job waits this long before another takes it.
 */
export const LEASE_MARGIN_MS = 30_000;

const isFinal = (job: ImportJob) => job.status === ImportJobStatus.Done || job.status === ImportJobStatus.Failed;

function summaryOf(rows: ImportRowReport[]) {
  const summary = emptySummary();
  for (const row of rows) summary[SUMMARY_KEY[row.outcome]]++;
  return summary;
}

/** The job as the store holds it after `step`: what this worker carries into its next checkpoint. */
function applied(job: ImportJob, step: ImportStep): ImportJob {
  const summary = { ...job.summary };
  for (const key of Object.keys(summary) as (keyof typeof summary)[]) summary[key] += step.summary[key];
  return {
    ...job, line: step.line, rowsRead: job.rowsRead + step.rowsRead, reportable: job.reportable + step.reportable, summary,
    lastChunk: step.chunk, updatedAt: step.now.toISOString(),
  };
}

/**
 * Runs an import job for about `timeBudgetMs`: resumes after the job's checkpoint line, imports the
 * file a batch at a time with importCsv's own row rules, and checkpoints after each batch.
 *
 * Each checkpoint is one conditional write that moves the line on and adds the batch's counts and
 * report rows, so a batch is counted exactly when its checkpoint lands. A worker that crashes
 * between importing a batch and checkpointing it leaves the batch to be imported again by the next
 * slice; rows are idempotent, so the replay writes nothing new, but it reports those rows as it
 * finds them (`unchanged`, say, where the lost attempt added them). A duplicate worker on the
 * same job loses its first checkpoint race and stops (`superseded`) without counting anything.
 *
 * Still to come (issue 14): an upload URL that creates the job and its source (S3), a queue consumer
 * that runs a slice and re-enqueues the job on `more`, and a progress route reading the job (and,
 * once done, importJobReport). None of them is wired yet.
 *
 * @throws NotFoundError when there is no such job.
 * @example
 * const { outcome } = await runImportSlice(jobId, { jobs, sources, subscribers, blocklist, clock, listIds }, { timeBudgetMs: 20_000 });
 * if (outcome === 'more') await importQueue.send({ jobId });
 */
export async function runImportSlice(jobId: string, deps: ImportSliceDeps, { timeBudgetMs }: { timeBudgetMs: number }): Promise<ImportSliceResult> {
  const started = deps.clock.now();
  let job = await deps.jobs.get(jobId);
  if (!job) throw new NotFoundError(`No import job ${jobId}`);
  if (isFinal(job)) return { outcome: 'finished', job };
  if (!job.options.consent && !job.options.dryRun && !deps.requestConfirmation) {
    throw new TypeError('runImportSlice needs requestConfirmation to import without consent');
  }
  const leaseUntil = new Date(started.getTime() + timeBudgetMs + LEASE_MARGIN_MS);
  if (!(await deps.jobs.markRunning(jobId, started, leaseUntil))) {
    const current = (await deps.jobs.get(jobId))!;
    if (isFinal(current)) return { outcome: 'finished', job: current };
    return { outcome: current.status === ImportJobStatus.Running ? 'leased' : 'superseded', job: current };
  }
  let running: ImportJob = { ...job, status: ImportJobStatus.Running, leaseUntil: leaseUntil.toISOString() };
  // Whatever ends this slice short of the job's end (its budget, an error) hands the job on at once.
  let ended = false;
  try {
    const result = await runSlice();
    ended = result.outcome === 'finished';
    return result;
  } finally {
    if (!ended) await deps.jobs.releaseLease(jobId, leaseUntil);
  }

  async function runSlice(): Promise<ImportSliceResult> {
    const finish = async (end: ImportJobEnd): Promise<ImportSliceResult> => {
      if (!(await deps.jobs.finish(jobId, running.line, end))) return settled(jobId, deps);
      return { outcome: 'finished', job: (await deps.jobs.get(jobId))! };
    };
    try {
      for await (const batch of readCsvBatches(await deps.sources.open(running.sourceKey), { afterLine: running.line })) {
        const rows = await importBatch(batch, running.options, { ...deps, importJobId: jobId }, started);
        // Copy the chunk the previous checkpoint carried into its own item before the next one replaces
        // it: the same chunk under the same key, so a duplicate or retried copy changes nothing.
        if (running.lastChunk && (rows.length || batch.final)) await deps.jobs.putReportChunk(jobId, running.lastChunk);
        if (rows.length) {
          const { kept, reportable } = keptRows(rows, running);
          const step: ImportStep = {
            line: batch.lastLine, rowsRead: rows.length, reportable, summary: summaryOf(rows),
            chunk: { fromLine: running.line + 1, rows: kept }, now: deps.clock.now(),
          };
          if (!(await deps.jobs.advance(jobId, running.line, step))) return settled(jobId, deps);
          running = applied(running, step);
          if (batch.final) await deps.jobs.putReportChunk(jobId, step.chunk);
        }
        if (batch.final) {
          return finish({ status: ImportJobStatus.Done, ignoredColumns: batch.header.ignored, ...(batch.stopped ? { stopped: batch.stopped } : {}), now: deps.clock.now() });
        }
        if (deps.clock.now().getTime() - started.getTime() >= timeBudgetMs) return { outcome: 'more', job: running };
      }
    } catch (error) {
      // A file that can never import (no header, empty) ends the running; anything else is left to a retry.
      if (!(error instanceof ValidationError)) throw error;
      return finish({ status: ImportJobStatus.Failed, error: error.message, issues: error.issues, now: deps.clock.now() });
    }
    throw new Error('readCsvBatches ended without a final batch');
  }
}

/** After losing a conditional write: finished if another worker ended the job, else superseded. */
async function settled(jobId: string, deps: ImportSliceDeps): Promise<ImportSliceResult> {
  const job = (await deps.jobs.get(jobId))!;
  return { outcome: isFinal(job) ? 'finished' : 'superseded', job };
}
