import middy from '@middy/core';
import sqsPartialBatchFailure from '@middy/sqs-partial-batch-failure';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AppDeps } from './deps';
import type { DepsProvider } from './http';
import { logger } from './logger';

/**
 * Wraps an SQS consumer: each record is processed on its own, and the ones that throw are reported
 * as `batchItemFailures` so only they are retried (and, past maxReceiveCount, dead-lettered).
 */
export function sqsHandler<T>(getDeps: DepsProvider, processJob: (job: T, deps: AppDeps, record: SQSRecord) => Promise<unknown>) {
  return middy<SQSEvent, SQSBatchResponse>()
    .use(
      sqsPartialBatchFailure({
        logger: (reason: unknown, record: SQSRecord) =>
          logger.warn('Job failed; it will be retried', { messageId: record.messageId, error: reason as Error }),
      }),
    )
    .handler((async (event: SQSEvent) => {
      const deps = await getDeps();
      return Promise.allSettled(event.Records.map((record) => processJob(JSON.parse(record.body) as T, deps, record)));
    }) as never);
}
