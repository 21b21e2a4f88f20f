import type { FieldIssue } from '../errors';
import {
  FULL_REPORT_ROWS, MAX_REPORTED_ROWS, isPlainRow, omittedNote,
  type CsvImportOptions, type CsvImportReport, type CsvImportSummary, type ImportRowReport,
} from './csv-import';

/**
 * A CSV import that runs as a job, across as many invocations as its file needs (see
 * run-import-slice.ts). Statuses move `awaiting-upload → queued → running → done | failed` (a job
 * whose file came with the request starts `queued`); `failed` is kept for a file that can never
 * import (no `email`/`lists` header, empty, too large), with the reason in `error`.
 */
export const ImportJobStatus = {
  AwaitingUpload: 'awaiting-upload',
  Queued: 'queued',
  Running: 'running',
  Done: 'done',
  Failed: 'failed',
} as const;
export type ImportJobStatus = (typeof ImportJobStatus)[keyof typeof ImportJobStatus];

/** Some of a job's report rows, keyed by the first file line of the batch they came from. */
export interface ImportReportChunk {
  fromLine: number;
  rows: ImportRowReport[];
}

export interface ImportJob {
  id: string;
  options: CsvImportOptions;
  status: ImportJobStatus;
  /** Where the file is: a key the runtime's ImportSources opens (a data-dir file locally, S3 later). */
  sourceKey: string;
  /**
   * Until when the worker running a slice holds the job: a second delivery of the same message waits
   * for it rather than importing the same rows beside it (which would count right but report them
   * as it found them). A crashed worker's lease runs out and the next delivery takes over.
   */
  leaseUntil?: string;
  /** Last line of the file imported and counted: the next slice resumes after it (the header is line 1). */
  line: number;
  /** Report rows read so far (data rows and unreadable records). */
  rowsRead: number;
  /** Rows read so far that are not plain added/unchanged ones: what a large report lists. */
  reportable: number;
  summary: CsvImportSummary;
  /** The last batch's report rows, written with its checkpoint; copied into a chunk item by the next write. */
  lastChunk?: ImportReportChunk;
  ignoredColumns?: string[];
  stopped?: CsvImportReport['stopped'];
  error?: string;
  /** What is wrong with a file that failed, field by field (the header, say). */
  issues?: FieldIssue[];
  createdAt: string;
  updatedAt: string;
}

/** What one imported batch adds to its job, written atomically with the checkpoint. */
export interface ImportStep {
  line: number;
  rowsRead: number;
  reportable: number;
  summary: CsvImportSummary;
  chunk: ImportReportChunk;
  now: Date;
}

export type ImportJobEnd =
  | { status: typeof ImportJobStatus.Done; ignoredColumns: string[]; stopped?: CsvImportReport['stopped']; now: Date }
  | { status: typeof ImportJobStatus.Failed; error: string; issues: FieldIssue[]; now: Date };

export const emptySummary = (): CsvImportSummary => ({
  added: 0, updated: 0, unchanged: 0, skippedSuppressed: 0, skippedNotConfirmed: 0, invalid: 0, pendingConfirmation: 0,
});

/**
 * A new job at line 1 (the header): `queued` when its file is in place, else waiting for the upload.
 *
 * @example
 * await jobs.create(newImportJob('imp-1', 'imports/imp-1.csv', { dryRun: false, consent: true }, clock.now()));
 */
export function newImportJob(
  id: string, sourceKey: string, options: CsvImportOptions, now: Date,
  status: typeof ImportJobStatus.Queued | typeof ImportJobStatus.AwaitingUpload = ImportJobStatus.Queued,
): ImportJob {
  return {
    id, options, sourceKey, status, line: 1, rowsRead: 0, reportable: 0, summary: emptySummary(),
    createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
}

// A stored report row keeps this much of a field: a row's email or reason can be any size in the
// file, and a chunk of 25 rows must stay well inside DynamoDB's 400 KB item (and the job item,
// which carries the last chunk).
const MAX_STORED_TEXT = 1_000;
const bounded = (text: string) => (text.length > MAX_STORED_TEXT ? `${text.slice(0, MAX_STORED_TEXT - 1)}…` : text);

/**
 * The rows of a batch worth keeping, given the job as it stood before the batch: the report importCsv
 * would build lists plain rows only while the file has at most FULL_REPORT_ROWS rows, and at most
 * MAX_REPORTED_ROWS rows of the rest, so a job keeps at most the sum of the two whatever its size.
 */
export function keptRows(rows: ImportRowReport[], before: { rowsRead: number; reportable: number }): { kept: ImportRowReport[]; reportable: number } {
  const kept: ImportRowReport[] = [];
  let { rowsRead, reportable } = before;
  for (const row of rows) {
    rowsRead++;
    const plain = isPlainRow(row);
    if (!plain) reportable++;
    if (plain ? rowsRead <= FULL_REPORT_ROWS : reportable <= MAX_REPORTED_ROWS) {
      kept.push({ ...row, email: bounded(row.email), ...(row.reason ? { reason: bounded(row.reason) } : {}) });
    }
  }
  return { kept, reportable: reportable - before.reportable };
}

/**
 * The report of a finished job, as importCsv would have answered for the same file: the same
 * summary, rows and notes. Pure: the caller reads the job and its chunks.
 */
export function importJobReport(job: ImportJob, chunks: ImportReportChunk[]): CsvImportReport {
  const byLine = new Map(chunks.map((c) => [c.fromLine, c]));
  if (job.lastChunk) byLine.set(job.lastChunk.fromLine, job.lastChunk);
  let rows = [...byLine.values()].sort((a, b) => a.fromLine - b.fromLine).flatMap((c) => c.rows);
  const plainOmitted = job.rowsRead > FULL_REPORT_ROWS;
  if (plainOmitted) rows = rows.filter((r) => !isPlainRow(r));
  rows = rows.slice(0, MAX_REPORTED_ROWS);
  const notShown = plainOmitted ? job.reportable - rows.length : 0;
  const omitted = omittedNote(plainOmitted, notShown);
  return {
    dryRun: job.options.dryRun,
    consent: job.options.consent,
    rowsRead: job.rowsRead,
    summary: job.summary,
    ignoredColumns: job.ignoredColumns ?? [],
    rows: rows.sort((a, b) => a.line - b.line),
    ...(omitted ? { rowsOmitted: omitted } : {}),
    ...(job.stopped ? { stopped: job.stopped } : {}),
  };
}
