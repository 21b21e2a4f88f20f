import type { FanOutJob } from '../domain/ports';
import { fanOutRelease } from '../domain/delivery/fan-out';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';

/** Fan-out queue consumer: renders the release once and enqueues a send job per recipient. */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsHandler<FanOutJob>(getDeps, async (job, deps) => {
    const result = await fanOutRelease(job, deps);
    logger.info('Release fanned out', { ...result });
    return result;
  });

export const handler = makeHandler(awsDeps);
