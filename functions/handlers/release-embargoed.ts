import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import type { StartEmbargoedResult } from '../domain/release/embargo';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { releasesService } from '../runtime/factories/releases';

/** Scheduled every minute: starts the email send of releases whose embargo has ended. Overlapping runs are safe. */
export const makeHandler = (getServices: ServicesProvider) =>
  middy<ScheduledEvent, StartEmbargoedResult>().handler(async () => {
    const result = await (await getServices()).releases.startEmbargoed();
    if (result.started.length + result.released.length > 0) logger.info('Embargoes ended', { ...result });
    return result;
  });

export const handler = makeHandler(() => awsServices({ releases: releasesService }));
