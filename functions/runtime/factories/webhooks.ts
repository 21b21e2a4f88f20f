import { WebhooksService } from '../../services/webhooks';
import type { ServiceFactory } from '../compose';
import { logger } from '../logger';
import { count } from '../metrics';
import { MetricName } from '../metric-names';

/**
 * Builds the webhooks service from the adapters. Staff are told of an endpoint Pressroom disabled
 * by the `WebhookEndpointDisabledAlarm` (the alarm topic, `alarmEmail`), counted here, and see it
 * with its reason in the console and on GET /admin/webhooks.
 */
export const webhooksService: ServiceFactory<'webhooks'> = (adapters, { config }) =>
  new WebhooksService(
    {
      endpoints: adapters.webhookEndpoints,
      queue: adapters.webhookQueue,
      post: adapters.webhookPost,
      clock: adapters.clock,
      onDisabled: (endpoint, reason) => {
        logger.error('Webhook endpoint disabled', { endpointId: endpoint.id, url: endpoint.url, reason });
        count(MetricName.WebhookEndpointsDisabled);
      },
    },
    { firstRetrySeconds: config.webhookFirstRetrySeconds },
  );
