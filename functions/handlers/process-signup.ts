import { isWelcomeJob, type SignupQueueJob } from '../domain/subscriber/welcome';
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
 * confirmation email here, after the caller had its answer; a confirmed membership's welcome email
 * (a `kind: 'welcome'` job) goes from here too. A failure (SES down, say) is retried by the queue
 * and ends in the DLQ, where its alarm asks for a look.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  sqsHandler<SignupQueueJob>(getServices, async (job, app) => {
    if (isWelcomeJob(job)) {
      const outcomes = await app.subscribers.sendWelcome(job);
      logger.info('Welcome processed', { outcomes, via: job.via });
      return outcomes;
    }
    const outcome = await app.subscribers.processSubscription(job);
    if (outcome === 'sent') count(MetricName.ConfirmationEmailsSent);
    // No address in the log: it may be a stranger's.
    logger.info('Sign-up processed', { outcome, lists: job.lists });
    return outcome;
  });

// Sends the confirmation and welcome emails (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { systemEmails: precompiledSystemEmails }));
