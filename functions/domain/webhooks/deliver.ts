import type { Clock, JobQueue } from '../ports';
import { signWebhook } from '../security/standard-webhooks';
import { webhookMessageId, webhookPayload, type WebhookEvent } from './event';
import { wants, type DeliveryAttempt, type WebhookEndpoint } from './endpoint';
import type { WebhookEndpointStore, WebhookJob, WebhookPoster } from './ports';

/** How long an event is retried, and how long an endpoint may fail before it is disabled: a day. */
export const RETRY_WINDOW_MS = 24 * 60 * 60 * 1000;
/** SQS delays a message at most 15 minutes; the backoff stops growing there. */
export const MAX_RETRY_DELAY_SECONDS = 900;
export const DEFAULT_FIRST_RETRY_SECONDS = 30;
/** Attempts kept per endpoint in its delivery log. */
export const DELIVERY_LOG_SIZE = 100;
/** A receiver that has not answered in this long is counted as down (the spec suggests short timeouts). */
export const DELIVERY_TIMEOUT_MS = 10_000;

export interface DeliverWebhookDeps {
  endpoints: WebhookEndpointStore;
  queue: JobQueue<WebhookJob>;
  post: WebhookPoster;
  clock: Clock;
  /** Delay before the second attempt; doubled each time up to {@link MAX_RETRY_DELAY_SECONDS}. */
  firstRetrySeconds?: number;
  /** Told when an endpoint is disabled (the log, where alarms can watch for it). */
  onDisabled?: (endpoint: WebhookEndpoint, reason: string) => void;
}

/**
 * The wait before attempt `attempt + 1`: exponential from `first` seconds, capped at 15 minutes.
 *
 * @example
 * retryDelaySeconds(1, 30); // 30
 * retryDelaySeconds(3, 30); // 120
 * retryDelaySeconds(20, 30); // 900
 */
export function retryDelaySeconds(attempt: number, first = DEFAULT_FIRST_RETRY_SECONDS): number {
  return Math.min(MAX_RETRY_DELAY_SECONDS, first * 2 ** Math.min(attempt - 1, 20));
}

/**
 * Queues one delivery per endpoint that wants the event; answers how many.
 *
 * @example
 * await fanOutWebhookEvent(event, deps); // 2, for two enabled endpoints subscribed to its type
 */
export async function fanOutWebhookEvent(event: WebhookEvent, deps: Pick<DeliverWebhookDeps, 'endpoints' | 'queue' | 'clock'>): Promise<number> {
  const targets = (await deps.endpoints.list()).filter((endpoint) => wants(endpoint, event.type));
  const firstAttemptAt = deps.clock.now().toISOString();
  if (targets.length) await deps.queue.send(targets.map((endpoint) => ({ kind: 'delivery' as const, endpointId: endpoint.id, event, attempt: 1, firstAttemptAt })));
  return targets.length;
}

export type DeliveryOutcome = DeliveryAttempt['outcome'] | 'skipped';

/**
 * One attempt to deliver an event to an endpoint, signed per Standard Webhooks. A 2xx answer
 * delivers it; anything else (another status, no answer) queues the next attempt with a longer
 * delay, for a day from the first; an endpoint that has failed for a day, with no success in
 * between, is disabled and its pending deliveries dropped. Each attempt goes into the endpoint's
 * delivery log. An endpoint removed or disabled since the event was queued gets nothing.
 *
 * @example
 * await deliverWebhook({ kind: 'delivery', endpointId, event, attempt: 1, firstAttemptAt }, deps); // 'delivered'
 */
export async function deliverWebhook(job: Extract<WebhookJob, { kind: 'delivery' }>, deps: DeliverWebhookDeps): Promise<DeliveryOutcome> {
  const endpoint = await deps.endpoints.get(job.endpointId);
  if (!endpoint || !wants(endpoint, job.event.type)) return 'skipped';
  const started = deps.clock.now();
  const webhookId = webhookMessageId(job.event.id, endpoint.id);
  const timestamp = Math.floor(started.getTime() / 1000);
  const body = webhookPayload(job.event);
  const headers = {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(endpoint.secret, webhookId, timestamp, body),
  };
  let status: number | undefined;
  let error: string | undefined;
  try {
    status = (await deps.post(endpoint.url, { headers, body, timeoutMs: DELIVERY_TIMEOUT_MS })).status;
    if (status < 200 || status > 299) error = `Answered ${status}`;
  } catch (cause) {
    error = cause instanceof Error ? cause.message : String(cause);
  }
  const now = deps.clock.now();
  const attempt = (outcome: DeliveryAttempt['outcome']): DeliveryAttempt => ({
    at: started.toISOString(),
    eventId: job.event.id,
    eventType: job.event.type,
    webhookId,
    attempt: job.attempt,
    ...(status !== undefined ? { status } : {}),
    ...(error ? { error } : {}),
    durationMs: now.getTime() - started.getTime(),
    outcome,
  });
  if (!error) {
    await deps.endpoints.recordAttempt(endpoint.id, attempt('delivered'), DELIVERY_LOG_SIZE);
    if (endpoint.failingSince) await deps.endpoints.update(endpoint.id, { failingSince: null }, now);
    return 'delivered';
  }
  const failingSince = (await deps.endpoints.markFailing(endpoint.id, started)) ?? started.toISOString();
  if (now.getTime() - Date.parse(failingSince) >= RETRY_WINDOW_MS) {
    const reason = `Every delivery failed for a day (since ${failingSince}); last: ${error}`;
    await deps.endpoints.update(endpoint.id, { disabledAt: now.toISOString(), disabledReason: reason }, now);
    await deps.endpoints.recordAttempt(endpoint.id, attempt('disabled'), DELIVERY_LOG_SIZE);
    deps.onDisabled?.(endpoint, reason);
    return 'disabled';
  }
  const delaySeconds = retryDelaySeconds(job.attempt, deps.firstRetrySeconds);
  // "At least a day": the last retry is the first one queued after the day is over.
  if (now.getTime() - Date.parse(job.firstAttemptAt) >= RETRY_WINDOW_MS) {
    await deps.endpoints.recordAttempt(endpoint.id, attempt('gave-up'), DELIVERY_LOG_SIZE);
    return 'gave-up';
  }
  await deps.endpoints.recordAttempt(endpoint.id, attempt('retrying'), DELIVERY_LOG_SIZE);
  await deps.queue.send([{ ...job, attempt: job.attempt + 1 }], { delaySeconds });
  return 'retrying';
}
