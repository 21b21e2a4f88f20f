import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { startEmbargoedReleases, type StartEmbargoedResult } from '../domain/release/embargo';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';

/** Scheduled every minute: starts the email send of releases whose embargo has ended. Overlapping runs are safe. */
export const makeHandler = (getDeps: DepsProvider) =>
  middy<ScheduledEvent, StartEmbargoedResult>().handler(async () => {
    const deps = await getDeps();
    const result = await startEmbargoedReleases({ releases: deps.releases, fanOutQueue: deps.fanOutQueue, clock: deps.clock });
    if (result.started.length + result.released.length > 0) logger.info('Embargoes ended', { ...result });
    return result;
  });

export const handler = makeHandler(awsDeps);
