import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Clock, JobQueue } from '../ports';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../errors';
import type { CsvImportOptions, CsvImportReport, CsvImportSummary } from './csv-import';
import { exportListPages, type CsvExportDeps } from './csv-export';
import { ImportJobStatus, importJobReport, newImportJob, type ImportJob } from './import-job';
import { ExportJobStatus, newExportJob, type ExportJob } from './export-job';
import { runImportSlice, type ImportSliceDeps, type ImportSliceResult } from './run-import-slice';
import type { ExportJobStore, ImportJobStore, StaffFiles } from './ports';

/**
 * Staff's bulk jobs, run by the bulk queue's consumer one message at a time: a slice of a CSV
 * import (re-queued until the file is done), or a whole list export.
 */
export type BulkJob = { kind: 'import'; jobId: string } | { kind: 'export'; exportId: string };

/** How long an upload or download link works. */
export const FILE_LINK_SECONDS = 15 * 60;
/**
 * The largest import file: 200 MiB is about two million rows. A pre-signed PUT cannot cap the size
 * (only a POST policy can), so it is checked when the upload is started.
 */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

export interface BulkJobDeps {
  imports: ImportJobStore;
  exports: ExportJobStore;
  files: StaffFiles;
  bulk: JobQueue<BulkJob>;
  clock: Clock;
}

const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`;
const importKey = (id: string) => `imports/${id}.csv`;

/** What staff see of an import job: its progress while it runs, and its report once done. */
export interface ImportJobView {
  id: string;
  status: ImportJob['status'];
  dryRun: boolean;
  consent: boolean;
  createdAt: string;
  updatedAt: string;
  /** Rows read and what they did so far (the report's summary, growing as the job runs). */
  progress: { rowsRead: number; summary: CsvImportSummary };
  /** The whole report, as a one-shot import answers it, once the job is done. */
  report?: CsvImportReport;
  /** Why a failed job could not import its file, and field by field. */
  error?: string;
  issues?: FieldIssue[];
}

/**
 * Creates an import job that waits for its file, and the URL to PUT the file to (valid
 * {@link FILE_LINK_SECONDS}). Staff then start it with {@link startUploadedImport}.
 *
 * @example
 * const { job, upload } = await openImportUpload({ dryRun: false, consent: true }, deps);
 * // curl -T members.csv "$upload.url", then POST /admin/imports/{job.id}/start
 */
export async function openImportUpload(
  options: CsvImportOptions,
  deps: Pick<BulkJobDeps, 'imports' | 'files' | 'clock'>,
): Promise<{ job: ImportJobView; upload: { method: 'PUT'; url: string; expiresAt: string } }> {
  const now = deps.clock.now();
  const id = newId('imp');
  const job = newImportJob(id, importKey(id), options, now, ImportJobStatus.AwaitingUpload);
  await deps.imports.create(job);
  const url = await deps.files.uploadUrl(job.sourceKey, FILE_LINK_SECONDS);
  return { job: viewOf(job), upload: { method: 'PUT', url, expiresAt: new Date(now.getTime() + FILE_LINK_SECONDS * 1000).toISOString() } };
}

/**
 * Starts an uploaded import: checks the file is there and not too large, marks the job queued and
 * queues its first slice. Calling it again for a job still queued queues it again (a lost message
 * is then replaced; a duplicate slice finds the job moved on and does nothing).
 *
 * @throws NotFoundError for no such job; ConflictError when no file was uploaded yet, or the job
 *   already runs or ended; ValidationError for a file over {@link MAX_IMPORT_BYTES}.
 */
export async function startUploadedImport(id: string, deps: Pick<BulkJobDeps, 'imports' | 'files' | 'bulk' | 'clock'>): Promise<ImportJobView> {
  const job = await deps.imports.get(id);
  if (!job) throw new NotFoundError(`No import job ${id}`);
  if (job.status === ImportJobStatus.AwaitingUpload) {
    const size = await deps.files.size(job.sourceKey);
    if (size === undefined) throw new ConflictError('No file has been uploaded for this import yet: PUT it to the upload URL first', { id, status: job.status });
    if (size > MAX_IMPORT_BYTES) {
      throw new ValidationError([{ field: 'file', message: `is ${size} bytes; the most an import takes is ${MAX_IMPORT_BYTES} (split the file)` }], 'File too large');
    }
    await deps.imports.markQueued(id, deps.clock.now());
  } else if (job.status !== ImportJobStatus.Queued) {
    throw new ConflictError(`This import is already ${job.status}`, { id, status: job.status });
  }
  await deps.bulk.send([{ kind: 'import', jobId: id }]);
  return viewOf((await deps.imports.get(id))!);
}

/**
 * Imports a file sent with the request: stores it, runs the first slice within `timeBudgetMs`, and
 * queues the rest. A small file is done by the time this returns (its view carries the report); a
 * large one answers with its progress so far and carries on in the background.
 *
 * @example
 * const view = await importFile(body, { dryRun: false, consent: true }, { ...deps, slice }, { timeBudgetMs: 15_000 });
 */
export async function importFile(
  body: Buffer,
  options: CsvImportOptions,
  deps: BulkJobDeps & { slice: Omit<ImportSliceDeps, 'jobs' | 'sources'> },
  { timeBudgetMs }: { timeBudgetMs: number },
): Promise<ImportJobView> {
  const id = newId('imp');
  const job = newImportJob(id, importKey(id), options, deps.clock.now());
  await deps.files.put(job.sourceKey, body, 'text/csv');
  await deps.imports.create(job);
  await runBulkImport(id, deps, timeBudgetMs);
  return importJobView(id, deps);
}

/** One slice of an import, from the bulk queue; the job goes back on the queue while its file has more. */
export async function runBulkImport(
  jobId: string,
  deps: BulkJobDeps & { slice: Omit<ImportSliceDeps, 'jobs' | 'sources'> },
  timeBudgetMs: number,
): Promise<ImportSliceResult> {
  const result = await runImportSlice(jobId, { ...deps.slice, jobs: deps.imports, sources: deps.files }, { timeBudgetMs });
  if (result.outcome === 'more') await deps.bulk.send([{ kind: 'import', jobId }]);
  if (result.outcome === 'leased') {
    // Another worker has it (a second delivery of the same message): look again once its lease
    // has run out, in case that worker crashed; if it did not, this message will find the job moved on.
    const wait = Math.ceil((Date.parse(result.job.leaseUntil ?? '') - deps.clock.now().getTime()) / 1000);
    await deps.bulk.send([{ kind: 'import', jobId }], { delaySeconds: Math.min(900, Math.max(1, Number.isFinite(wait) ? wait : 1)) });
  }
  return result;
}

/** An import job as staff see it. @throws NotFoundError */
export async function importJobView(id: string, deps: Pick<BulkJobDeps, 'imports'>): Promise<ImportJobView> {
  const job = await deps.imports.get(id);
  if (!job) throw new NotFoundError(`No import job ${id}`);
  const view = viewOf(job);
  if (job.status === ImportJobStatus.Done) view.report = importJobReport(job, await deps.imports.reportChunks(id));
  return view;
}

function viewOf(job: ImportJob): ImportJobView {
  return {
    id: job.id,
    status: job.status,
    dryRun: job.options.dryRun,
    consent: job.options.consent,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    progress: { rowsRead: job.rowsRead, summary: job.summary },
    ...(job.error ? { error: job.error, issues: job.issues ?? [] } : {}),
  };
}

/** What staff see of an export job; `download` once the file is written. */
export interface ExportJobView {
  id: string;
  listId: string;
  status: ExportJob['status'];
  createdAt: string;
  updatedAt: string;
  rows?: number;
  bytes?: number;
  error?: string;
  download?: { url: string; expiresAt: string };
}

/**
 * Queues an export of `listId`'s members to a file.
 *
 * @throws NotFoundError for a list that does not exist.
 */
export async function requestExport(listId: string, deps: Pick<BulkJobDeps, 'exports' | 'bulk' | 'clock'> & Pick<CsvExportDeps, 'lists'>): Promise<ExportJobView> {
  if (!(await deps.lists.get(listId))) throw new NotFoundError(`No list "${listId}"`);
  const job = newExportJob(newId('exp'), listId, deps.clock.now());
  await deps.exports.create(job);
  await deps.bulk.send([{ kind: 'export', exportId: job.id }]);
  return exportViewOf(job);
}

/**
 * Writes an export's file, from the bulk queue. The whole list in one go: the file is streamed to
 * storage a page of members at a time (bounded memory), and a retry after a crash writes it anew.
 */
export async function runExport(id: string, deps: Pick<BulkJobDeps, 'exports' | 'files' | 'clock'> & CsvExportDeps): Promise<ExportJob> {
  const job = await deps.exports.get(id);
  if (!job) throw new NotFoundError(`No export job ${id}`);
  if (!(await deps.exports.markRunning(id, deps.clock.now()))) return job;
  let rows = 0;
  let bytes = 0;
  try {
    const pages = await exportListPages(job.listId, deps);
    const counted = Readable.from(
      (async function* () {
        for await (const page of pages) {
          rows += page.members;
          const chunk = Buffer.from(page.csv, 'utf8');
          bytes += chunk.length;
          yield chunk;
        }
      })(),
    );
    await deps.files.put(job.fileKey, counted, 'text/csv; charset=utf-8');
  } catch (error) {
    // The list was deleted between the request and the run: nothing will ever export it.
    if (!(error instanceof NotFoundError)) throw error;
    await deps.exports.finish(id, { status: ExportJobStatus.Failed, error: error.message, now: deps.clock.now() });
    return (await deps.exports.get(id))!;
  }
  await deps.exports.finish(id, { status: ExportJobStatus.Done, rows, bytes, now: deps.clock.now() });
  return (await deps.exports.get(id))!;
}

/** An export job as staff see it, with a fresh download link once it is done. @throws NotFoundError */
export async function exportJobView(id: string, deps: Pick<BulkJobDeps, 'exports' | 'files' | 'clock'>): Promise<ExportJobView> {
  const job = await deps.exports.get(id);
  if (!job) throw new NotFoundError(`No export job ${id}`);
  const view = exportViewOf(job);
  if (job.status === ExportJobStatus.Done) {
    const url = await deps.files.downloadUrl(job.fileKey, `${job.listId}.csv`, FILE_LINK_SECONDS);
    view.download = { url, expiresAt: new Date(deps.clock.now().getTime() + FILE_LINK_SECONDS * 1000).toISOString() };
  }
  return view;
}

function exportViewOf(job: ExportJob): ExportJobView {
  const { id, listId, status, createdAt, updatedAt, rows, bytes, error } = job;
  return { id, listId, status, createdAt, updatedAt, ...(rows !== undefined ? { rows, bytes } : {}), ...(error ? { error } : {}) };
}
