import type { PurgePendingResult } from '../domain/subscriber/purge-pending';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { scheduledHandler } from '../runtime/scheduled';
import { subscribersService } from '../runtime/factories/subscribers';

/** Scheduled hourly: removes sign-ups whose confirmation link expired unused. Overlapping runs are safe. */
export const makeHandler = (getServices: ServicesProvider) =>
  scheduledHandler(getServices, async (app): Promise<PurgePendingResult> => {
    const result = await app.subscribers.purgePending();
    if (result.removed > 0) logger.info('Unconfirmed sign-ups purged', { ...result });
    return result;
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
