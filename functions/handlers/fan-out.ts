import type { FanOutJob } from '../domain/ports';
import { fanOutRelease } from '../domain/delivery/fan-out';
import { awsDeps } from '../runtime/aws';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';

/**
 * Planning time per invocation: the function has 60 s (infra/functions.ts); stopping at 40 s leaves
 * room for the page in hand, and a continuation job picks up from the checkpoint at once.
 */
const PLANNING_BUDGET_MS = 40_000;

/** Fan-out queue consumer: renders the release once and enqueues a send job per recipient. */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsHandler<FanOutJob>(getDeps, async (job, deps) => {
    const result = await fanOutRelease(job, { ...deps, plans: deps.fanOutPlans, timeBudgetMs: PLANNING_BUDGET_MS });
    logger.info('Release fan-out planned', { ...result });
    return result;
  });

export const handler = makeHandler(awsDeps);
