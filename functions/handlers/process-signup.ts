import type { SignupJob } from '../domain/subscriber/subscribe';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { sqsHandler } from '../runtime/sqs';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * Sign-ups queue consumer: each sign-up POST /subscribe accepted is recorded pending and gets its
 * confirmation email here, after the caller had its answer. A failure (SES down, say) is retried by
 * the queue and ends in the DLQ, where its alarm asks for a look.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsHandler<SignupJob>(getServices, async (job, app) => {
    const outcome = await app.subscribers.processSubscription(job);
    if (outcome === 'sent') count(MetricName.ConfirmationEmailsSent);
    // No address in the log: it may be a stranger's.
    logger.info('Sign-up processed', { outcome, lists: job.lists });
    return outcome;
  });

// Sends the confirmation email (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { systemEmails: precompiledSystemEmails }));
