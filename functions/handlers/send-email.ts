import type { SendJob } from '../domain/ports';
import { sendBatch } from '../domain/delivery/send-email';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { sqsBatchHandler } from '../runtime/sqs';

/**
 * Send queue consumer: the batch reserves its send slots together, then each message goes out at
 * its slot; throttled, busy or malformed jobs fail alone and SQS retries them.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsBatchHandler<SendJob>(getDeps, async (jobs, deps) => {
    const valid = jobs.flatMap((job, i) => (job.status === 'fulfilled' ? [{ i, job: job.value }] : []));
    const sent = await sendBatch(valid.map((v) => v.job), deps);
    const results: PromiseSettledResult<unknown>[] = [...jobs];
    valid.forEach(({ i }, n) => (results[i] = sent[n]));
    return results;
  });

export const handler = makeHandler(awsDeps);
