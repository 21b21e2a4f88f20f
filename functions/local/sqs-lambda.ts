import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalLogger } from './local-logger';

/** An SQS consumer as Lambda calls it. */
export type SqsLambdaHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

/** What an SQS event source does with a batch once its handler answered: keep the failed ones, or all. */
export type BatchOutcome = { ok: true; failedIds: Set<string> } | { ok: false };

/**
 * Reads a handler's `batchItemFailures` as Lambda does: a response naming an unknown or empty
 * message id fails the whole batch; otherwise only the named messages return after the visibility
 * timeout. Shared by the local event source (sqs-event-source.ts) and the in-process queue the
 * engine benchmark uses (local-queue.ts).
 */
export function readBatchResponse(records: SQSRecord[], response: SQSBatchResponse | void, logger: LocalLogger): BatchOutcome {
  const failures = response?.batchItemFailures ?? [];
  const ids = new Set(records.map((r) => r.messageId));
  const invalid = failures.filter((f) => !f.itemIdentifier || !ids.has(f.itemIdentifier));
  if (invalid.length > 0) {
    logger.error('batchItemFailures names messages not in the batch; treating the whole batch as failed', {
      invalid: invalid.map((f) => f.itemIdentifier),
    });
    return { ok: false };
  }
  if (failures.length > 0) {
    logger.warn('partial batch failure; failed messages return after the visibility timeout', {
      messageIds: failures.map((f) => f.itemIdentifier),
    });
  }
  return { ok: true, failedIds: new Set(failures.map((f) => f.itemIdentifier)) };
}
