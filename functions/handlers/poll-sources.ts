import type { PollReport } from '../domain/source/poll-source';
import { awsServices } from '../runtime/aws';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { scheduledHandler } from '../runtime/scheduled';
import { sourcesService } from '../runtime/factories/sources';

/** Scheduled every minute: polls each feed source that is due. Overlapping runs are safe (each poll is claimed). */
export const makeHandler = (getServices: ServicesProvider) =>
  scheduledHandler(getServices, async (app): Promise<PollReport[]> => {
    const reports = await app.sources.pollDue();
    for (const report of reports) {
      if (report.status === 'failed') logger.warn('Feed poll failed', { ...report });
      else if (report.published + report.corrected + report.held + report.failed > 0) logger.info('Feed polled', { ...report });
    }
    return reports;
  });

// Publishing a post renders it and schedules its social posts (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ sources: sourcesService }, { renderer: mjmlRenderer, channels: socialChannels }));
