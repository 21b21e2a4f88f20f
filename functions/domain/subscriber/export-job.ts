/**
 * A list export that runs as a job: staff ask for it, a worker writes the CSV to a file, and staff
 * download the file through a short-lived link. Statuses move `queued → running → done | failed`.
 * A worker that crashes mid-file leaves the job `running`; the queue's retry writes the whole file
 * again (the write replaces it), so a retried export is never half a file.
 */
export const ExportJobStatus = {
  Queued: 'queued',
  Running: 'running',
  Done: 'done',
  Failed: 'failed',
} as const;
export type ExportJobStatus = (typeof ExportJobStatus)[keyof typeof ExportJobStatus];

export interface ExportJob {
  id: string;
  listId: string;
  status: ExportJobStatus;
  /** Where the file is written (StaffFiles key). */
  fileKey: string;
  /** Members written, once done. */
  rows?: number;
  /** Bytes written, once done. */
  bytes?: number;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

export type ExportJobEnd =
  | { status: typeof ExportJobStatus.Done; rows: number; bytes: number; now: Date }
  | { status: typeof ExportJobStatus.Failed; error: string; now: Date };

/**
 * A new export of `listId`, queued.
 *
 * @example
 * await exports.create(newExportJob('exp_1', 'blog', clock.now()));
 */
export function newExportJob(id: string, listId: string, now: Date): ExportJob {
  return {
    id, listId, status: ExportJobStatus.Queued, fileKey: `exports/${id}/${listId}.csv`,
    createdAt: now.toISOString(), updatedAt: now.toISOString(),
  };
}
