import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import type { PostDueResult } from '../domain/social/post-due';
import { awsServices } from '../runtime/aws';
import { socialChannels } from '../runtime/channels';
import type { ServicesProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { socialService } from '../runtime/factories/social';

/** Scheduled every minute: posts the social summaries that are due. Overlapping runs are safe. */
export const makeHandler = (getServices: ServicesProvider) =>
  middy<ScheduledEvent, PostDueResult>().handler(async () => {
    const result = await (await getServices()).social.postDue();
    if (result.posted + result.retrying + result.failed > 0) logger.info('Social posts processed', { ...result });
    return result;
  });

// Posts to the social channels (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ social: socialService }, { channels: socialChannels }));
