import type { SQSRecord } from 'aws-lambda';
import type { SendJob } from '../domain/ports';
import { sendBatch } from '../domain/delivery/send-email';
import { countDeadLetters, isLastReceive } from '../domain/delivery/dead-letters';
import { MalformedJobError } from '../domain/delivery/errors';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsBatchHandler } from '../runtime/sqs';

const isSendJob = (value: unknown): value is SendJob =>
  typeof value === 'object' && value !== null && ['releaseId', 'subscriberId', 'listId'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');

/** The body's job when it is one; anything else fails alone (and, after its last receive, dead-letters). */
function checkJob(parsed: PromiseSettledResult<SendJob>, record: SQSRecord): PromiseSettledResult<SendJob> {
  if (parsed.status === 'rejected' || isSendJob(parsed.value)) return parsed;
  return { status: 'rejected', reason: new MalformedJobError(record.messageId, 'needs string releaseId, subscriberId and listId') };
}

/**
 * Send queue consumer: the batch reserves its send slots together, then each message goes out at
 * its slot; throttled, busy or malformed jobs fail alone and SQS retries them. A job failing on its
 * last allowed receive is counted as `deadLettered` against its release first, so the send's status
 * shows what the DLQ holds.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsBatchHandler<SendJob>(getDeps, async (parsed, deps, records) => {
    const jobs = parsed.map((job, i) => checkJob(job, records[i]));
    const valid = jobs.flatMap((job, i) => (job.status === 'fulfilled' ? [{ i, job: job.value }] : []));
    const sent = await sendBatch(valid.map((v) => v.job), deps);
    const results: PromiseSettledResult<unknown>[] = [...jobs];
    valid.forEach(({ i }, n) => (results[i] = sent[n]));

    const dying = results.flatMap((result, i) =>
      result.status === 'rejected' && isLastReceive(Number(records[i].attributes.ApproximateReceiveCount), deps.config.maxReceiveCount)
        ? [jobs[i].status === 'fulfilled' ? (jobs[i] as PromiseFulfilledResult<SendJob>).value.releaseId : undefined]
        : [],
    );
    try {
      await countDeadLetters(dying, deps);
    } catch (error) {
      // Counting is for staff's view only; failing the batch over it would resend the others.
      logger.warn('Could not count dead-lettered send jobs', { error: error as Error });
    }
    return results;
  });

export const handler = makeHandler(awsDeps);
