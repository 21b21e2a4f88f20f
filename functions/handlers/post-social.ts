import type { PostDueResult } from '../domain/social/post-due';
import { awsServices } from '../runtime/aws';
import { socialChannels } from '../runtime/channels';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { scheduledHandler } from '../runtime/scheduled';
import { socialService } from '../runtime/factories/social';

/** Scheduled every minute: posts the social summaries that are due. Overlapping runs are safe. */
export const makeHandler = (getServices: ServicesProvider) =>
  scheduledHandler(getServices, async (app): Promise<PostDueResult> => {
    const result = await app.social.postDue();
    if (result.posted + result.retrying + result.failed > 0) logger.info('Social posts processed', { ...result });
    for (const { channel, outcome } of result.attempts) {
      // A retrying attempt failed too: on-call sees a channel failing before its posts give up.
      count(outcome === 'posted' ? MetricName.PostsMade : MetricName.PostsFailed, 1, { channel });
    }
    return result;
  });

// Posts to the social channels (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ social: socialService }, { channels: socialChannels }));
