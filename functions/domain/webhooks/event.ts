import { createHash, randomUUID } from 'node:crypto';

/**
 * The events Pressroom tells other systems about (outgoing webhooks). Each is sent as the JSON
 * `{ type, timestamp, data }` the Standard Webhooks specification suggests, carrying no more
 * personal data than a receiver needs: a subscriber's id, email and lists.
 */
export const WebhookEventType = {
  SubscriberConfirmed: 'subscriber.confirmed',
  SubscriberUnsubscribed: 'subscriber.unsubscribed',
  SubscriberSuppressed: 'subscriber.suppressed',
  ReleaseSent: 'release.sent',
  PostPublished: 'post.published',
  PostFailed: 'post.failed',
} as const;
export type WebhookEventType = (typeof WebhookEventType)[keyof typeof WebhookEventType];
export const WEBHOOK_EVENT_TYPES: readonly WebhookEventType[] = Object.values(WebhookEventType);

/** The part of a subscriber an event carries. */
export interface SubscriberData {
  subscriber: { id: string; email: string; lists: string[] };
  /** Why an address was suppressed (`permanent-bounce`, `complaint`, `transient-bounces`). */
  reason?: string;
}

export interface ReleaseSentData {
  release: { id: string; title: string; url?: string; lists: string[]; finishedAt: string };
}

export interface PostData {
  post: { releaseId: string; channel: string; url?: string; error?: string };
}

interface EventData {
  'subscriber.confirmed': SubscriberData;
  'subscriber.unsubscribed': SubscriberData;
  'subscriber.suppressed': SubscriberData;
  'release.sent': ReleaseSentData;
  'post.published': PostData;
  'post.failed': PostData;
}

/** One event, as queued: `id` is ours (never sent as such: see {@link webhookMessageId}). */
export interface WebhookEvent<T extends WebhookEventType = WebhookEventType> {
  id: string;
  type: T;
  /** ISO 8601: when it happened. */
  timestamp: string;
  data: EventData[T];
}

/**
 * Builds an event that happened at `now`.
 *
 * @example
 * const event = webhookEvent('subscriber.confirmed', { subscriber: { id, email, lists: ['blog'] } }, clock.now());
 */
export function webhookEvent<T extends WebhookEventType>(type: T, data: EventData[T], now: Date, id: string = `evt_${randomUUID()}`): WebhookEvent<T> {
  return { id, type, timestamp: now.toISOString(), data };
}

/**
 * The body a receiver gets: the event without our queue's id (the webhook-id header carries one).
 *
 * @example
 * webhookPayload(event); // '{"type":"release.sent","timestamp":"…","data":{…}}'
 */
export function webhookPayload(event: WebhookEvent): string {
  return JSON.stringify({ type: event.type, timestamp: event.timestamp, data: event.data });
}

/**
 * The `webhook-id` of an event's delivery to one endpoint: the same on every retry, so a receiver
 * can drop a delivery it already handled (the spec's idempotency key), and different per endpoint,
 * so two receivers sharing a store do not drop each other's.
 *
 * @example
 * webhookMessageId('evt_1', 'whk_a'); // 'msg_…', always the same for these two
 */
export function webhookMessageId(eventId: string, endpointId: string): string {
  return `msg_${createHash('sha256').update(`${eventId}\n${endpointId}`).digest('base64url').slice(0, 27)}`;
}
