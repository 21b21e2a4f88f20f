import type { WeeklyDigestResult } from '../domain/digest/weekly-digest';
import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { scheduledHandler } from '../runtime/scheduled';
import { releasesService } from '../runtime/factories/releases';

/** Scheduled hourly: sends the weekly digest once, in the hours after its configured day and hour. */
export const makeHandler = (getServices: ServicesProvider) =>
  scheduledHandler(getServices, async (app): Promise<WeeklyDigestResult> => {
    const result = await app.releases.sendWeeklyDigest();
    if (result.outcome !== 'not-due' && result.outcome !== 'already-sent') logger.info('Weekly digest', { ...result });
    return result;
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ releases: releasesService }, { renderer: mjmlRenderer }));
