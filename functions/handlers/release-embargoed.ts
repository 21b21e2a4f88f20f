import type { StartEmbargoedResult } from '../domain/release/embargo';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { scheduledHandler } from '../runtime/scheduled';
import { releasesService } from '../runtime/factories/releases';

/** Scheduled every minute: starts the email send of releases whose embargo has ended. Overlapping runs are safe. */
export const makeHandler = (getServices: ServicesProvider) =>
  scheduledHandler(getServices, async (app): Promise<StartEmbargoedResult> => {
    const result = await app.releases.startEmbargoed();
    if (result.started.length + result.released.length > 0) logger.info('Embargoes ended', { ...result });
    return result;
  });

export const handler = makeHandler(() => awsServices({ releases: releasesService }));
