import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ExportJobStatus, type ExportJob, type ExportJobEnd } from '../../domain/subscriber/export-job';
import type { ExportJobStore } from '../../domain/subscriber/ports';
import { conditionHolds, withoutKeys, type TableRef } from './table';

/** One item per export job: `pk=EXPORT#<id>`, `sk=JOB` (see table.ts). */
const key = (id: string) => ({ pk: `EXPORT#${id}`, sk: 'JOB' });

/** List export jobs in the single table; each move is conditional on the status the mover expects. */
export class DynamoExportJobStore implements ExportJobStore {
  constructor(private readonly table: TableRef) {}

  create(job: ExportJob): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(new PutCommand({ TableName: this.table.tableName, Item: { ...key(job.id), ...job }, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  }

  async get(id: string): Promise<ExportJob | undefined> {
    const { Item } = await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: key(id), ConsistentRead: true }));
    return Item ? withoutKeys<ExportJob>(Item) : undefined;
  }

  markRunning(id: string, now: Date): Promise<boolean> {
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key(id),
          UpdateExpression: 'SET #status = :running, updatedAt = :now',
          ConditionExpression: '#status IN (:queued, :running)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':running': ExportJobStatus.Running, ':queued': ExportJobStatus.Queued, ':now': now.toISOString() },
        }),
      ),
    );
  }

  finish(id: string, end: ExportJobEnd): Promise<boolean> {
    const { now, ...fields } = end;
    const names = Object.keys(fields);
    return conditionHolds(
      this.table.doc.send(
        new UpdateCommand({
          TableName: this.table.tableName,
          Key: key(id),
          UpdateExpression: `SET ${names.map((n) => `#${n} = :${n}`).join(', ')}, updatedAt = :now`,
          ConditionExpression: '#status = :running',
          ExpressionAttributeNames: { '#status': 'status', ...Object.fromEntries(names.map((n) => [`#${n}`, n])) },
          ExpressionAttributeValues: { ':running': ExportJobStatus.Running, ':now': now.toISOString(), ...Object.fromEntries(Object.entries(fields).map(([n, v]) => [`:${n}`, v])) },
        }),
      ),
    );
  }
}
