import type { WebhookEvent } from './event';
import type { DeliveryAttempt, WebhookEndpoint, WebhookEndpointPatch } from './endpoint';

/**
 * Where the places that change state (confirming, unsubscribing, suppressing, a send ending, a
 * social post) report it. Never rejects and returns quickly: an event that cannot be queued is
 * logged and lost rather than failing the reader's or the worker's action, which already happened.
 */
export interface EventPublisher {
  publish(event: WebhookEvent): Promise<void>;
}

/** A message on the `webhooks` queue: an event to fan out to endpoints, or one delivery to one endpoint. */
export type WebhookJob =
  | { kind: 'event'; event: WebhookEvent }
  | { kind: 'delivery'; endpointId: string; event: WebhookEvent; attempt: number; firstAttemptAt: string };

export interface WebhookEndpointStore {
  create(endpoint: WebhookEndpoint): Promise<void>;
  get(id: string): Promise<WebhookEndpoint | undefined>;
  list(): Promise<WebhookEndpoint[]>;
  /** Sets the given fields (null removes one); false when there is no such endpoint. */
  update(id: string, patch: WebhookEndpointPatch, now: Date): Promise<boolean>;
  /**
   * Marks the endpoint failing since `at` unless it already is (a conditional write: concurrent
   * deliveries keep the first date); answers the date it is failing since.
   */
  markFailing(id: string, at: Date): Promise<string | undefined>;
  remove(id: string): Promise<void>;
  /** Keeps one attempt, dropping the oldest beyond `keep`. */
  recordAttempt(endpointId: string, attempt: DeliveryAttempt, keep: number): Promise<void>;
  /** The kept attempts, newest first. */
  attempts(endpointId: string): Promise<DeliveryAttempt[]>;
}

/** What an endpoint answered to one POST. */
export interface WebhookResponse {
  status: number;
}

/**
 * POSTs a signed delivery: no redirects, a timeout, and only to addresses the runtime's policy
 * allows (never private ones on AWS).
 *
 * @throws Error when nothing answered (refused address, network error, timeout): the message says why.
 */
export type WebhookPoster = (url: string, request: { headers: Record<string, string>; body: string; timeoutMs: number }) => Promise<WebhookResponse>;
