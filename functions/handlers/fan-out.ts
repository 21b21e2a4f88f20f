import type { FanOutJob } from '../domain/ports';
import { fanOutRelease } from '../domain/delivery/fan-out';
import { failSend } from '../domain/delivery/control-send';
import { isLastReceive } from '../domain/delivery/dead-letters';
import { PlanningConflictError } from '../domain/delivery/errors';
import { awsDeps } from '../runtime/aws';
import { timeoutSecondsOf } from '../runtime/function-specs';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import type { DepsProvider } from '../runtime/http';
import { logger } from '../runtime/logger';
import { sqsHandler } from '../runtime/sqs';

/**
 * Planning time per invocation: the function's timeout (its declaration, runtime/function-specs.ts)
 * less 20 s, which leaves room for the page in hand; a continuation job picks up from the
 * checkpoint at once.
 */
const PLANNING_BUDGET_MS = (timeoutSecondsOf('fan-out') - 20) * 1000;

/**
 * Fan-out queue consumer: renders the release once and enqueues a send job per recipient. A job
 * failing on its last allowed receive (it is about to be dead-lettered) fails the send with the
 * error, so staff see `failed` and why instead of a send that stays `sending`; redriving the job
 * later cannot restart a failed send. A lost race with another planner is not such a failure.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  sqsHandler<FanOutJob>(getDeps, async (job, deps, record) => {
    try {
      const result = await fanOutRelease(job, { ...deps, plans: deps.fanOutPlans, timeBudgetMs: PLANNING_BUDGET_MS });
      logger.info('Release fan-out planned', { ...result });
      return result;
    } catch (error) {
      const dying = isLastReceive(Number(record.attributes.ApproximateReceiveCount), deps.config.maxReceiveCount);
      if (dying && !(error instanceof PlanningConflictError) && typeof job?.releaseId === 'string') {
        const message = error instanceof Error ? error.message : String(error);
        if (await failSend(job.releaseId, `Planning the send failed ${deps.config.maxReceiveCount} times: ${message}`, deps).catch(() => false)) {
          logger.error('Send failed: fan-out gave up', { releaseId: job.releaseId, error: error as Error });
        }
      }
      throw error;
    }
  });

// Renders releases with MJML (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ renderer: mjmlRenderer }));
