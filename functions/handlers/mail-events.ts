import { parseSesEvent } from '../adapters/ses/ses-events';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { sqsHandler } from '../runtime/sqs';
import { deliveryService } from '../runtime/factories/delivery';

/**
 * Mail-events queue consumer: SES bounce, complaint, delivery and reject events, delivered by the
 * configuration set's SNS topic (raw delivery, so each body is the SES JSON). A malformed event
 * fails alone and ends in the DLQ, where its alarm asks for a look instead of losing a suppression.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsHandler<unknown>(getServices, async (body, app) => {
    const event = parseSesEvent(body);
    if (!event) return [];
    const outcomes = await app.delivery.recordMailEvent(event);
    // Counted once per recipient and event, however often SES or SQS deliver it.
    const firstSeen = outcomes.filter((o) => o.firstSeen).length;
    if (event.type === 'bounce') count(MetricName.Bounces, firstSeen);
    if (event.type === 'complaint') count(MetricName.Complaints, firstSeen);
    // Subscriber ids only: addresses stay out of the logs.
    logger.info('Mail event handled', { type: event.type, messageId: event.messageId, releaseId: event.releaseId, outcomes });
    return outcomes;
  });

export const handler = makeHandler(() => awsServices({ delivery: deliveryService }));
