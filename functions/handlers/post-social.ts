import middy from '@middy/core';
import type { ScheduledEvent } from 'aws-lambda';
import { postDueSocial, type PostDueResult } from '../domain/social/post-due';
import { awsDeps } from '../runtime/aws';
import { socialChannels } from '../runtime/channels';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';

/** Scheduled every minute: posts the social summaries that are due. Overlapping runs are safe. */
export const makeHandler = (getDeps: DepsProvider) =>
  middy<ScheduledEvent, PostDueResult>().handler(async () => {
    const deps = await getDeps();
    const result = await postDueSocial({ socialPosts: deps.socialPosts, channels: deps.channels, clock: deps.clock });
    if (result.posted + result.retrying + result.failed > 0) logger.info('Social posts processed', { ...result });
    return result;
  });

// Posts to the social channels (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ channels: socialChannels }));
