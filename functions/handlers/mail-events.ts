import { parseSesEvent } from '../adapters/ses/ses-events';
import type { MailEvent, MailEventOutcome } from '../domain/delivery/mail-events';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { sqsBatchHandler } from '../runtime/sqs';
import { deliveryService } from '../runtime/factories/delivery';

/** The body's SES event, nothing for a message that is not one to act on, or the parse failure. */
function parse(body: PromiseSettledResult<unknown>): PromiseSettledResult<MailEvent | undefined> {
  if (body.status === 'rejected') return body;
  try {
    return { status: 'fulfilled', value: parseSesEvent(body.value) };
  } catch (reason) {
    return { status: 'rejected', reason };
  }
}

/**
 * Mail-events queue consumer: SES bounce, complaint, delivery and reject events, delivered by the
 * configuration set's SNS topic (raw delivery, so each body is the SES JSON). The batch is counted
 * together (`DeliveryService.recordMailEvents`); a malformed event fails alone and ends in the DLQ,
 * where its alarm asks for a look instead of losing a suppression.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsBatchHandler<unknown>(getServices, async (bodies, app) => {
    const parsed = bodies.map(parse);
    const events = parsed.flatMap((p, i) => (p.status === 'fulfilled' && p.value ? [{ i, event: p.value }] : []));
    const handled = await app.delivery.recordMailEvents(events.map((e) => e.event));
    const results: PromiseSettledResult<MailEventOutcome[] | undefined>[] = parsed.map((p) => (p.status === 'rejected' ? p : { status: 'fulfilled', value: [] }));
    events.forEach(({ i, event }, n) => {
      results[i] = handled[n];
      const outcome = handled[n];
      if (outcome.status !== 'fulfilled') return;
      // Counted once per recipient and event, however often SES or SQS deliver it.
      const firstSeen = outcome.value.filter((o) => o.firstSeen).length;
      if (event.type === 'bounce') count(MetricName.Bounces, firstSeen);
      if (event.type === 'complaint') count(MetricName.Complaints, firstSeen);
      // Subscriber ids only: addresses stay out of the logs.
      logger.info('Mail event handled', { type: event.type, messageId: event.messageId, releaseId: event.releaseId, outcomes: outcome.value });
    });
    return results;
  });

export const handler = makeHandler(() => awsServices({ delivery: deliveryService }));
