import type { SQSRecord } from 'aws-lambda';
import type { SendJob } from '../domain/delivery/ports';
import { MalformedJobError } from '../domain/delivery/errors';
import type { SendOutcome } from '../domain/delivery/send-deps';
import { awsServices } from '../runtime/aws';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import type { ServicesProvider } from '../runtime/http';
import { sqsBatchHandler } from '../runtime/sqs';
import { deliveryService } from '../runtime/factories/delivery';

const isSendJob = (value: unknown): value is SendJob =>
  typeof value === 'object' && value !== null && ['releaseId', 'subscriberId', 'listId'].every((k) => typeof (value as Record<string, unknown>)[k] === 'string');

/** The body's job when it is one; anything else fails alone (and, after its last receive, dead-letters). */
function checkJob(parsed: PromiseSettledResult<SendJob>, record: SQSRecord): PromiseSettledResult<SendJob> {
  if (parsed.status === 'rejected' || isSendJob(parsed.value)) return parsed;
  return { status: 'rejected', reason: new MalformedJobError(record.messageId, 'needs string releaseId, subscriberId and listId') };
}

/**
 * Send queue consumer: the batch reserves its send slots together, as many as start before the
 * invocation's timeout, then each message goes out at its slot; busy or malformed jobs fail alone
 * and SQS retries them (see `DeliveryService.sendBatch`).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsBatchHandler<SendJob>(getServices, async (parsed, app, records, context) => {
    const results = await app.delivery.sendBatch(
      parsed.map((job, i) => checkJob(job, records[i])),
      records.map((record) => Number(record.attributes.ApproximateReceiveCount)),
      context.getRemainingTimeInMillis(),
    );
    const outcomes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value as SendOutcome] : []));
    const tally = (outcome: SendOutcome) => outcomes.filter((o) => o === outcome).length;
    count(MetricName.EmailsSent, tally('sent'));
    // Deferred jobs went back on the queue: SES said "too fast", or they did not fit before the deadline.
    count(MetricName.EmailsThrottled, tally('deferred'));
    count(MetricName.EmailsRejected, tally('rejected'));
    return results;
  });

export const handler = makeHandler(() => awsServices({ delivery: deliveryService }));
