import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { purgePendingSignups, type PurgePendingResult } from '../domain/subscriber/purge-pending';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';

/** Scheduled hourly: removes sign-ups whose confirmation link expired unused. Overlapping runs are safe. */
export const makeHandler = (getDeps: DepsProvider) =>
  middy<ScheduledEvent, PurgePendingResult>().handler(async () => {
    const deps = await getDeps();
    const result = await purgePendingSignups({ subscribers: deps.subscribers, clock: deps.clock });
    if (result.removed > 0) logger.info('Unconfirmed sign-ups purged', { ...result });
    return result;
  });

export const handler = makeHandler(awsDeps);
