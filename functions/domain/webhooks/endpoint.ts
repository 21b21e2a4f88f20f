import { randomBytes, randomUUID } from 'node:crypto';
import { ValidationError, type FieldIssue } from '../errors';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './event';

/** A receiver staff registered: where events go, which ones, and the secret they are signed with. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  /** `whsec_` + base64 of 32 random bytes; shown to staff once, when the endpoint is created. */
  secret: string;
  /** The event types it receives; `all` for every type, including types added later. */
  events: WebhookEventType[] | 'all';
  description?: string;
  enabled: boolean;
  /** Set when deliveries started failing and nothing has succeeded since; cleared by a 2xx. */
  failingSince?: string;
  /** Set when Pressroom disabled it (failing for a day); staff re-enable it with PATCH. */
  disabledAt?: string;
  disabledReason?: string;
  createdAt: string;
  updatedAt: string;
}

export type WebhookEndpointPatch = {
  [K in 'url' | 'events' | 'description' | 'enabled' | 'failingSince' | 'disabledAt' | 'disabledReason']?: WebhookEndpoint[K] | null;
};

/** What staff see of an endpoint: everything but the secret. */
export type WebhookEndpointView = Omit<WebhookEndpoint, 'secret'>;

/** One POST to an endpoint, as its delivery log keeps it. */
export interface DeliveryAttempt {
  at: string;
  eventId: string;
  eventType: WebhookEventType;
  webhookId: string;
  /** 1 for the first try of this event at this endpoint. */
  attempt: number;
  /** The HTTP status, when the endpoint answered. */
  status?: number;
  /** Why it failed: a status outside 2xx, or what kept it from answering. */
  error?: string;
  durationMs: number;
  outcome: 'delivered' | 'retrying' | 'gave-up' | 'disabled';
}

/**
 * Whether the endpoint takes events of this type now: enabled by staff, not disabled by Pressroom,
 * and its filter names the type (or is `all`).
 *
 * @example
 * wants({ ...endpoint, events: ['release.sent'] }, 'subscriber.confirmed'); // false
 */
export const wants = (endpoint: WebhookEndpoint, type: WebhookEventType): boolean =>
  endpoint.enabled && !endpoint.disabledAt && (endpoint.events === 'all' || endpoint.events.includes(type));

export const viewOf = ({ secret: _secret, ...view }: WebhookEndpoint): WebhookEndpointView => view;

/** A fresh signing secret in the Standard Webhooks form. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;
export const newEndpointId = (): string => `whk_${randomUUID()}`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface EndpointInput {
  url: string;
  events: WebhookEventType[] | 'all';
  description?: string;
  enabled: boolean;
}

/**
 * Checks what staff sent for an endpoint; `partial` for a PATCH (only the fields given).
 * A URL is https, or plain http to this machine only (the local runner's receivers); whether its
 * address may be reached is decided at each delivery, by the runtime's address policy.
 *
 * @throws ValidationError listing every field at fault.
 * @example
 * parseEndpointInput({ url: 'https://crm.example.org/hooks', events: ['subscriber.confirmed'] }, false);
 */
export function parseEndpointInput(body: unknown, partial: boolean): Partial<EndpointInput> {
  const issues: FieldIssue[] = [];
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const out: Partial<EndpointInput> = {};
  if (input.url !== undefined || !partial) {
    const url = typeof input.url === 'string' && URL.canParse(input.url) ? new URL(input.url) : undefined;
    if (!url) issues.push({ field: 'url', message: 'must be an absolute URL' });
    else if (url.username || url.password) issues.push({ field: 'url', message: 'must not carry credentials' });
    else if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) issues.push({ field: 'url', message: 'must be https' });
    else out.url = url.href;
  }
  if (input.events !== undefined || !partial) {
    const events = input.events ?? 'all';
    if (events === 'all') out.events = 'all';
    else if (!Array.isArray(events) || !events.length || events.some((e) => !WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))) {
      issues.push({ field: 'events', message: `must be "all" or a non-empty list of: ${WEBHOOK_EVENT_TYPES.join(', ')}` });
    } else out.events = [...new Set(events as WebhookEventType[])];
  }
  if (input.description !== undefined) {
    if (typeof input.description !== 'string' || input.description.length > 200) issues.push({ field: 'description', message: 'must be text of at most 200 characters' });
    else out.description = input.description;
  }
  if (input.enabled !== undefined || !partial) {
    const enabled = input.enabled ?? true;
    if (typeof enabled !== 'boolean') issues.push({ field: 'enabled', message: 'must be true or false' });
    else out.enabled = enabled;
  }
  if (issues.length) throw new ValidationError(issues, 'Invalid webhook endpoint');
  return out;
}
