import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ImportJobStatus, type ImportJob, type ImportJobEnd, type ImportReportChunk, type ImportStep } from '../../domain/subscriber/import-job';
import type { ImportJobStore } from '../../domain/subscriber/ports';
import { conditionHolds, withoutKeys, type TableRef } from './table';

/**
 * An import job and its report chunks share a partition: `pk=IMPORT#<id>`, the job at `sk=JOB`, each
 * chunk at `sk=CHUNK#<fromLine, zero-padded>` so a query reads them in file order (see table.ts).
 */
const pk = (id: string) => `IMPORT#${id}`;
const jobKey = (id: string) => ({ pk: pk(id), sk: 'JOB' });
const chunkKey = (id: string, fromLine: number) => ({ pk: pk(id), sk: `CHUNK#${String(fromLine).padStart(12, '0')}` });
const SUMMARY_KEYS = ['added', 'updated', 'unchanged', 'skippedSuppressed', 'skippedNotConfirmed', 'invalid', 'pendingConfirmation'] as const;

/** Import jobs in the single table; every move of a job is conditional on the line its worker read. */
export class DynamoImportJobStore implements ImportJobStore {
  constructor(private readonly table: TableRef) {}

  create(job: ImportJob): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new PutCommand({ TableName: this.table.tableName, Item: { ...jobKey(job.id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' }),
      ),
    );
  }

  async get(id: string): Promise<ImportJob | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: jobKey(id), ConsistentRead: true }));
    return Item ? withoutKeys<ImportJob>(Item) : undefined;
  }

  markQueued(id: string, now: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: jobKey(id),
          UpdateExpression: 'SET #status = :queued, updatedAt = :now',
          ConditionExpression: '#status = :awaiting',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': ImportJobStatus.Queued, ':awaiting': ImportJobStatus.AwaitingUpload, ':now': now.toISOString() },
        }),
      ),
    );
  }

  markRunning(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: jobKey(id),
          UpdateExpression: 'SET #status = :running, leaseUntil = :lease, updatedAt = :now',
          // ISO timestamps compare as strings: a lease at or before now has run out.
          ConditionExpression: '#status = :queued OR (#status = :running AND (attribute_not_exists(leaseUntil) OR leaseUntil <= :now))',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':running': ImportJobStatus.Running, ':queued': ImportJobStatus.Queued, ':now': now.toISOString(), ':lease': leaseUntil.toISOString(),
          },
        }),
      ),
    );
  }

  async releaseLease(id: string, leaseUntil: Date): Promise<void> {
    await conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: jobKey(id),
          UpdateExpression: 'REMOVE leaseUntil',
          ConditionExpression: 'leaseUntil = :lease',
          ExpressionAttributeValues: { ':lease': leaseUntil.toISOString() },
        }),
      ),
    );
  }

  advance(id: string, fromLine: number, step: ImportStep): Promise<boolean> {
    const counts = SUMMARY_KEYS.map((key) => `#summary.#${key} = #summary.#${key} + :${key}`).join(', ');
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: jobKey(id),
          // One write moves the line on and adds the batch's counts: a worker whose batch was already
          // counted (a duplicate, or one that lost its checkpoint race) finds the line moved and adds nothing.
          UpdateExpression:
            `SET #line = :to, rowsRead = rowsRead + :rowsRead, reportable = reportable + :reportable, ${counts}, ` +
            'lastChunk = :chunk, updatedAt = :now',
          ConditionExpression: '#line = :from AND #status = :running',
          ExpressionAttributeNames: {
            '#line': 'line', '#status': 'status', '#summary': 'summary', ...Object.fromEntries(SUMMARY_KEYS.map((key) => [`#${key}`, key])),
          },
          ExpressionAttributeValues: {
            ':from': fromLine, ':to': step.line, ':running': ImportJobStatus.Running, ':rowsRead': step.rowsRead, ':reportable': step.reportable,
            ':chunk': step.chunk, ':now': step.now.toISOString(), ...Object.fromEntries(SUMMARY_KEYS.map((key) => [`:${key}`, step.summary[key]])),
          },
        }),
      ),
    );
  }

  async putReportChunk(id: string, chunk: ImportReportChunk): Promise<void> {
    await this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: { ...chunkKey(id, chunk.fromLine), ...chunk } }));
  }

  async reportChunks(id: string): Promise<ImportReportChunk[]> {
    const chunks: ImportReportChunk[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.table.doc.send(
        new QueryCommand({
          TableName: this.table.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :chunk)',
          ExpressionAttributeValues: { ':pk': pk(id), ':chunk': 'CHUNK#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) chunks.push(withoutKeys<ImportReportChunk>(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return chunks;
  }

  finish(id: string, fromLine: number, end: ImportJobEnd): Promise<boolean> {
    const { now, ...fields } = end;
    const names = Object.keys(fields);
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: jobKey(id),
          UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}, updatedAt = :now`,
          ConditionExpression: '#line = :from AND #status = :running',
          ExpressionAttributeNames: { '#line': 'line', '#status': 'status', ...Object.fromEntries(names.map((n) => [`#${n}`, n])) },
          ExpressionAttributeValues: {
            ':from': fromLine, ':running': ImportJobStatus.Running, ':now': now.toISOString(),
            ...Object.fromEntries(Object.entries(fields).map(([n, v]) => [`:${n}`, v])),
          },
        }),
      ),
    );
  }
}
