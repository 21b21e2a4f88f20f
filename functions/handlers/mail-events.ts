import { parseSesEvent } from '../adapters/ses/ses-events';
import { handleMailEvent } from '../domain/subscriber/mail-events';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';

/**
 * Mail-events queue consumer: SES bounce, complaint, delivery and reject events, delivered by the
 * configuration set's SNS topic (raw delivery, so each body is the SES JSON). A malformed event
 * fails alone and ends in the DLQ, where its alarm asks for a look instead of losing a suppression.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsHandler<unknown>(getDeps, async (body, deps) => {
    const event = parseSesEvent(body);
    if (!event) return [];
    const outcomes = await handleMailEvent(event, {
      subscribers: deps.subscribers,
      releaseStats: deps.releaseStats,
      clock: deps.clock,
      transientBounceLimit: deps.config.transientBounceLimit,
      releases: deps.releases,
      pauseThresholds: deps.config.pauseThresholds,
    });
    // Subscriber ids only: addresses stay out of the logs.
    logger.info('Mail event handled', { type: event.type, messageId: event.messageId, releaseId: event.releaseId, outcomes });
    return outcomes;
  });

export const handler = makeHandler(awsDeps);
