import type { WebhookJob } from '../domain/webhooks/ports';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';
import { webhooksService } from '../runtime/factories/webhooks';

/**
 * Webhooks queue consumer: an event becomes one delivery job per endpoint that wants it; a
 * delivery is one signed POST. A failed POST is not a failed message: the next attempt goes back on
 * the queue with its own delay (up to 15 minutes), so only a failure of ours (the table, the queue)
 * is retried by SQS and, past its receives, dead-lettered.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsHandler<WebhookJob>(getServices, async (job, app) => {
    const outcome = await app.webhooks.run(job);
    // Ids and types only: payloads carry addresses, which stay out of the logs.
    logger.info('Webhook job ran', { kind: job.kind, eventId: job.event.id, type: job.event.type, ...(job.kind === 'delivery' ? { endpointId: job.endpointId, attempt: job.attempt } : {}), outcome });
    return outcome;
  });

export const handler = makeHandler(() => awsServices({ webhooks: webhooksService }));
