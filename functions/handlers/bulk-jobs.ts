import type { BulkJob } from '../domain/subscriber/bulk-jobs';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { s3Files } from '../runtime/s3-files';
import { sqsBatchHandler } from '../runtime/sqs';
import { subscribersService } from '../runtime/factories/subscribers';

// Stop a slice this long before the invocation's deadline (a quarter of what is left, when that is
// less: the local runner's deadlines are seconds): the last checkpoint and the re-queue must land.
const DEADLINE_MARGIN_MS = 20_000;
// Less time than this is not worth starting a job with.
const MIN_BUDGET_MS = 500;

/**
 * Bulk queue consumer: an import's next slice, or a list export. Jobs run one after another, each
 * with what is left of the invocation; a job with no time left goes back on the queue at once
 * (holding nothing: an import resumes from its checkpoint), never to the DLQ for want of time. A
 * crash is retried by the queue, and an import resumes from its last checkpoint.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsBatchHandler<BulkJob>(getServices, async (jobs, app, _records, context) => {
    const results: PromiseSettledResult<unknown>[] = [];
    for (const job of jobs) {
      if (job.status === 'rejected') {
        results.push(job);
        continue;
      }
      const remaining = context.getRemainingTimeInMillis();
      const budget = remaining - Math.min(DEADLINE_MARGIN_MS, remaining / 4);
      try {
        const outcome = budget >= MIN_BUDGET_MS ? await app.subscribers.runBulkJob(job.value, budget) : (await app.subscribers.requeueBulkJob(job.value), 'requeued');
        logger.info('Bulk job ran', { job: job.value, outcome });
        results.push({ status: 'fulfilled', value: outcome });
      } catch (error) {
        results.push({ status: 'rejected', reason: error });
      }
    }
    return results;
  });

// Imports without consent email confirmations; imports read files, exports write them.
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { systemEmails: precompiledSystemEmails, files: s3Files }));
