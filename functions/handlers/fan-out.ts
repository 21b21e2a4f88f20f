import type { FanOutJob } from '../domain/delivery/ports';
import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';
import { deliveryService } from '../runtime/factories/delivery';

/**
 * Fan-out queue consumer: renders the release once and enqueues a send job per recipient, handing
 * over to a continuation job when a long plan runs out of time. On the job's last allowed receive
 * a failure fails the send (see `DeliveryService.planFanOut`).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsHandler<FanOutJob>(getServices, async (job, app, record) => {
    const result = await app.delivery.planFanOut(job, Number(record.attributes.ApproximateReceiveCount));
    logger.info('Release fan-out planned', { ...result });
    return result;
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ delivery: deliveryService }, { renderer: mjmlRenderer }));
