import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { fakeLambdaContext } from './lambda-context';
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

/**
 * Invokes an SQS handler with a batch as the event source mapping does and reads its answer: a
 * handler that throws fails the whole batch, which returns after the visibility timeout.
 */
export async function invokeBatch(
  handler: SqsLambdaHandler,
  records: SQSRecord[],
  lambda: { functionName: string; timeoutMs: number },
  logger: LocalLogger,
): Promise<BatchOutcome> {
  try {
    const response = await handler({ Records: records }, fakeLambdaContext(lambda.functionName, { timeoutMs: lambda.timeoutMs }));
    return readBatchResponse(records, response, logger);
  } catch (error) {
    logger.error('handler failed; the whole batch returns after the visibility timeout', {
      messageIds: records.map((r) => r.messageId),
      error: error instanceof Error ? error.message : String(error),
    });
    return { ok: false };
  }
}

