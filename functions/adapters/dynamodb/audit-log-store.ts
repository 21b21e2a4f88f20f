import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry, AuditLog, AuditPage } from '../../domain/staff/ports';
import { AUDIT_RETENTION_MS } from '../../domain/staff/audit';
import { decodeCursor, encodeCursor, GSI1, type TableRef } from './table';

/**
 * The audit log: one item per staff action, written with one PutItem and no read. All entries
 * share the `AUDIT` partition, sorted by time (newest first is a backwards query): staff make a
 * few hundred changes a day, far below one partition's write limit, and the table has no local
 * index, so the partition may grow without bound. GSI1 keeps each actor's entries for the filter.
 * Entries expire two years after they were written (the table's TTL).
 */
const AUDIT = 'AUDIT';

export class DynamoAuditLog implements AuditLog {
  constructor(private readonly table: TableRef) {}

  async record(entry: AuditEntry): Promise<void> {
    // The random suffix keeps two entries of the same millisecond apart.
    const sortKey = `${entry.at}#${randomBytes(6).toString('base64url')}`;
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: {
          pk: AUDIT,
          sk: sortKey,
          gsi1pk: `AUDITBY#${entry.actor}`,
          gsi1sk: sortKey,
          entry,
          expiresAt: Math.ceil((Date.parse(entry.at) + AUDIT_RETENTION_MS) / 1000),
        },
      }),
    );
  }

  async page(query: { actor?: string; cursor?: string; limit: number }): Promise<AuditPage> {
    const byActor = query.actor !== undefined;
    const page = await this.table.doc.send(
      new QueryCommand({
        TableName: this.table.tableName,
        ...(byActor
          ? { IndexName: GSI1, KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': `AUDITBY#${query.actor}` } }
          : { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': AUDIT } }),
        ScanIndexForward: false,
        Limit: query.limit,
        ExclusiveStartKey: decodeCursor(query.cursor),
      }),
    );
    const entries = (page.Items ?? []).map((item) => item.entry as AuditEntry);
    return { entries, ...(page.LastEvaluatedKey ? { next: encodeCursor(page.LastEvaluatedKey) } : {}) };
  }
}
