import { DeliveryService } from '../../services/delivery';
import type { ServiceFactory } from '../compose';
import { timeoutSecondsOf } from '../function-specs';
import { logger } from '../logger';

/**
 * Planning time per fan-out run: the fan-out function's timeout (its declaration,
 * runtime/function-specs.ts) less 20 s, which leaves room for the page in hand; a continuation job
 * picks up from the checkpoint at once.
 */
const PLANNING_BUDGET_MS = (timeoutSecondsOf('fan-out') - 20) * 1000;

export const deliveryService: ServiceFactory<'delivery'> = (adapters, { config }) =>
  new DeliveryService(
    {
      releases: adapters.releases,
      subscribers: adapters.subscribers,
      deliveries: adapters.deliveries,
      socialPosts: adapters.socialPosts,
      plans: adapters.fanOutPlans,
      releaseStats: adapters.releaseStats,
      fanOutQueue: adapters.fanOutQueue,
      sendQueue: adapters.sendQueue,
      deadLetterQueues: adapters.deadLetterQueues,
      renderer: adapters.renderer,
      mailer: adapters.mailer,
      rateGate: adapters.rateGate,
      clock: adapters.clock,
      keyring: adapters.keyring,
      sender: adapters.sender,
      events: adapters.events,
      log: { warn: (message, details) => logger.warn(message, details), error: (message, details) => logger.error(message, details) },
    },
    {
      maxReceiveCount: config.maxReceiveCount,
      planningBudgetMs: PLANNING_BUDGET_MS,
      pausedRecheckSeconds: config.pausedRecheckSeconds,
      quotaRecheckSeconds: config.quotaRecheckSeconds,
      claimLeaseMs: config.claimLeaseSeconds === undefined ? undefined : config.claimLeaseSeconds * 1000,
      transientBounceLimit: config.transientBounceLimit,
      pauseThresholds: config.pauseThresholds,
      engagementTracking: config.engagementTracking,
      deliveryEvents: config.deliveryEvents,
    },
  );
