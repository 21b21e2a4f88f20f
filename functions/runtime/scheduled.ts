import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { ScheduledEvent } from 'aws-lambda';
import type { Services } from './compose';
import type { ServicesProvider } from './http';
import { logger } from './logger';
import { flushMetrics } from './metrics';

/**
 * Wraps a scheduled job (EventBridge Scheduler, every minute or hour): resolves the services, runs
 * the job, logs with the Lambda context and writes the invocation's metrics.
 */
export function scheduledHandler<R>(getServices: ServicesProvider, run: (app: Services) => Promise<R>) {
  return middy<ScheduledEvent, R>()
    .use(injectLambdaContext(logger))
    .handler(async () => {
      try {
        return await run(await getServices());
      } finally {
        flushMetrics();
      }
    });
}
