/**
 * The HTTP API in one table. The CDK stack creates one route per entry, each backed by the Lambda
 * built from `handler`; the local runner serves the very same table with the same handler modules.
 */
export interface RouteDefinition {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
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
  { method: 'GET', path: '/releases/{id}', handler: 'release-page' },
  // Syndication: RSS, Atom and JSON Feed of all releases and of each public list, and the archive page.
  { method: 'GET', path: '/feeds/{feed}', handler: 'feeds' },
  { method: 'GET', path: '/archive', handler: 'archive' },
  // Subscribers: double opt-in and the preference centre.
  { method: 'GET', path: '/subscribe', handler: 'subscribe' },
  { method: 'POST', path: '/subscribe', handler: 'subscribe' },
  { method: 'GET', path: '/confirm/{token}', handler: 'confirm' },
  { method: 'POST', path: '/confirm/{token}', handler: 'confirm' },
  { method: 'GET', path: '/preferences/{token}', handler: 'preferences' },
  { method: 'POST', path: '/preferences/{token}', handler: 'preferences' },
  // Staff: lists, subscribers, CSV import and export.
  { method: 'GET', path: '/admin/subscribers', handler: 'admin-subscribers' },
  { method: 'PATCH', path: '/admin/subscribers/{subscriberId}', handler: 'admin-subscribers' },
  { method: 'DELETE', path: '/admin/subscribers/{subscriberId}', handler: 'admin-subscribers' },
  { method: 'GET', path: '/admin/lists', handler: 'admin-lists' },
  { method: 'POST', path: '/admin/lists', handler: 'admin-lists' },
  { method: 'GET', path: '/admin/lists/{listId}', handler: 'admin-lists' },
  { method: 'PATCH', path: '/admin/lists/{listId}', handler: 'admin-lists' },
  { method: 'GET', path: '/admin/lists/{listId}/export.csv', handler: 'admin-export' },
  { method: 'POST', path: '/admin/imports', handler: 'admin-import' },
  { method: 'POST', path: '/admin/releases/preview', handler: 'admin-releases' },
  { method: 'POST', path: '/admin/releases/{id}/test', handler: 'admin-releases' },
  // Staff: a release's status (send and social posts), its send progress, and pausing, resuming or cancelling it.
  { method: 'GET', path: '/admin/releases/{id}', handler: 'admin-sends' },
  { method: 'GET', path: '/admin/releases/{id}/send', handler: 'admin-sends' },
  { method: 'POST', path: '/admin/releases/{id}/pause', handler: 'admin-sends' },
  { method: 'POST', path: '/admin/releases/{id}/resume', handler: 'admin-sends' },
  { method: 'POST', path: '/admin/releases/{id}/cancel', handler: 'admin-sends' },
  // Staff: dead-letter queue depths and redrive.
  { method: 'GET', path: '/admin/queues', handler: 'admin-queues' },
  { method: 'POST', path: '/admin/queues/{queue}/redrive', handler: 'admin-queues' },
];

/**
 * Receives of one message before its queue moves it to the dead-letter queue. The CDK redrive
 * policy, the local queues and the send worker (which counts a job failing on its last receive as
 * dead-lettered) all read this one value (the runtime through `PRESSROOM_MAX_RECEIVE_COUNT`).
 */
export const MAX_RECEIVE_COUNT = 5;

/** Queue consumers: one SQS queue (with its DLQ) per entry. */
export const queueConsumers = [
  { queue: 'fan-out', handler: 'fan-out' },
  { queue: 'send', handler: 'send-email' },
  // SES bounce, complaint and delivery events, via the configuration set's SNS topic (raw delivery).
  { queue: 'mail-events', handler: 'mail-events' },
] as const;

/** Scheduled handlers: an EventBridge Scheduler schedule per entry. */
export const schedules = [
  { name: 'post-social', handler: 'post-social', rate: 'rate(1 minute)' },
  // Releases published under embargo start their email send once it ends.
  { name: 'release-embargoed', handler: 'release-embargoed', rate: 'rate(1 minute)' },
  // Acts only in the hours after the configured digest day and hour; every other run returns at once.
  { name: 'weekly-digest', handler: 'weekly-digest', rate: 'rate(1 hour)' },
  // Unconfirmed sign-ups are removed once their confirmation link has expired.
  { name: 'purge-pending', handler: 'purge-pending', rate: 'rate(1 hour)' },
] as const;
