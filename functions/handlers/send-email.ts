import type { SQSRecord } from 'aws-lambda';
import type { SendJob } from '../domain/delivery/ports';
import { MalformedJobError } from '../domain/delivery/errors';
import { awsServices } from '../runtime/aws';
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
  sqsBatchHandler<SendJob>(getServices, (parsed, app, records, context) =>
    app.delivery.sendBatch(
      parsed.map((job, i) => checkJob(job, records[i])),
      records.map((record) => Number(record.attributes.ApproximateReceiveCount)),
      context.getRemainingTimeInMillis(),
    ),
  );

export const handler = makeHandler(() => awsServices({ delivery: deliveryService }));
