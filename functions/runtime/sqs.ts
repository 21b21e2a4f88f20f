import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Services } from './compose';
import type { ServicesProvider } from './http';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from './logger';
import { flushMetrics } from './metrics';

type BatchProcessor<T> = (
  jobs: PromiseSettledResult<T>[],
  app: Services,
  records: SQSRecord[],
  context: Context,
) => Promise<PromiseSettledResult<unknown>[]>;

/** Parses each body on its own: one malformed message fails alone (and dead-letters), not its batch. */
function parseBodies<T>(records: SQSRecord[]): PromiseSettledResult<T>[] {
  return records.map((record) => {
    try {
      return { status: 'fulfilled', value: JSON.parse(record.body) as T };
    } catch (error) {
      return { status: 'rejected', reason: new Error(`Message ${record.messageId} is not JSON`, { cause: error }) };
    }
  });
}

/**
 * Wraps an SQS consumer that handles a whole batch at once (e.g. to reserve send slots together). It
 * returns one settled result per record; rejected ones become `batchItemFailures`, so only they are
 * retried (and, past maxReceiveCount, dead-lettered). The processor gets the invocation's context
 * too, for its deadline (`getRemainingTimeInMillis`).
 */
export function sqsBatchHandler<T>(getServices: ServicesProvider, processBatch: BatchProcessor<T>) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(injectLambdaContext(logger))
    .use(
      sqsPartialBatchFailure({
        logger: (reason: unknown, record: SQSRecord) =>
          logger.warn('Job failed; it will be retried', { messageId: record.messageId, error: reason as Error }),
      }),
    )
    .handler((async (event: SQSEvent, context: Context) => {
      try {
        return await processBatch(parseBodies<T>(event.Records), await getServices(), event.Records, context);
      } finally {
        flushMetrics();
      }
    }) as never);
}

/** Wraps an SQS consumer that handles each record on its own. */
export function sqsHandler<T>(getServices: ServicesProvider, processJob: (job: T, app: Services, record: SQSRecord) => Promise<unknown>) {
  return sqsBatchHandler<T>(getServices, (jobs, app, records) =>
    Promise.allSettled(jobs.map((job, i) => (job.status === 'rejected' ? Promise.reject(job.reason) : processJob(job.value, app, records[i])))),
  );
}

