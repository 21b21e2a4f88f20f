/**
 * The HTTP API in one table. The CDK stack creates one route per entry, each backed by the Lambda
 * built from `handler`; the local runner serves the very same table with the same handler modules.
 */
export interface RouteDefinition {
  method: 'GET' | 'POST';
  /** API Gateway HTTP API path syntax: `{name}` is a path parameter. */
  path: string;
  /** Handler module under `functions/handlers/`, without extension. It exports `handler` and `makeHandler`. */
  handler: string;
}

export const routes: RouteDefinition[] = [
  { method: 'POST', path: '/webhooks/releases', handler: 'publish-release' },
  { method: 'POST', path: '/admin/subscribers', handler: 'admin-subscribers' },
  { method: 'GET', path: '/unsubscribe/{token}', handler: 'unsubscribe' },
  { method: 'POST', path: '/unsubscribe/{token}', handler: 'unsubscribe' },
];

/** Queue consumers: one SQS queue (with its DLQ) per entry. */
export const queueConsumers = [
  { queue: 'fan-out', handler: 'fan-out' },
  { queue: 'send', handler: 'send-email' },
] as const;

/** Scheduled handlers: an EventBridge Scheduler schedule per entry. */
export const schedules = [{ name: 'post-social', handler: 'post-social', rate: 'rate(1 minute)' }] as const;
