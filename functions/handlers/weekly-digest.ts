import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { sendWeeklyDigest, type WeeklyDigestResult } from '../domain/digest/weekly-digest';
import { awsDeps } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';

/** Scheduled hourly: sends the weekly digest once, in the hours after its configured day and hour. */
export const makeHandler = (getDeps: DepsProvider) =>
  middy<ScheduledEvent, WeeklyDigestResult>().handler(async () => {
    const deps = await getDeps();
    const result = await sendWeeklyDigest({ ...deps, schedule: deps.config.digest, publicUrl: deps.config.publicUrl });
    if (result.outcome !== 'not-due' && result.outcome !== 'already-sent') logger.info('Weekly digest', { ...result });
    return result;
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ renderer: mjmlRenderer }));
