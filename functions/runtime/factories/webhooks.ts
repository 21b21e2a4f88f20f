import { WebhooksService } from '../../services/webhooks';
import type { ServiceFactory } from '../compose';
import { logger } from '../logger';

/**
 * Builds the webhooks service from the adapters. Staff learn of a disabled endpoint from the error
 * log (where an alarm can watch) and from `disabledAt` and `disabledReason` on GET /admin/webhooks.
 */
export const webhooksService: ServiceFactory<'webhooks'> = (adapters, { config }) =>
  new WebhooksService(
    {
      endpoints: adapters.webhookEndpoints,
      queue: adapters.webhookQueue,
      post: adapters.webhookPost,
      clock: adapters.clock,
      onDisabled: (endpoint, reason) => logger.error('Webhook endpoint disabled', { endpointId: endpoint.id, url: endpoint.url, reason }),
    },
    { firstRetrySeconds: config.webhookFirstRetrySeconds },
  );
