import type { Clock, JobQueue } from '../domain/ports';
import type { DeliveryAttempt, WebhookEndpoint, WebhookEndpointView } from '../domain/webhooks/endpoint';
import type { WebhookEndpointStore, WebhookJob, WebhookPoster } from '../domain/webhooks/ports';
import { createEndpoint, endpointDeliveries, getEndpoint, listEndpoints, removeEndpoint, updateEndpoint } from '../domain/webhooks/manage-endpoints';
import { deliverWebhook, fanOutWebhookEvent, type DeliveryOutcome } from '../domain/webhooks/deliver';

/** What outgoing webhooks read, write and reach. */
export interface WebhooksPorts {
  endpoints: WebhookEndpointStore;
  queue: JobQueue<WebhookJob>;
  post: WebhookPoster;
  clock: Clock;
  /** Told when Pressroom disables an endpoint that failed for a day. */
  onDisabled: (endpoint: WebhookEndpoint, reason: string) => void;
}

export interface WebhooksSettings {
  firstRetrySeconds: number;
}

/**
 * Outgoing webhooks: staff register endpoints (each with its own secret and event filter); the
 * webhooks queue fans each event out to the endpoints that want it and delivers it, signed, with
 * retries for a day.
 *
 * @example
 * const { id, secret } = await webhooks.create({ url: 'https://crm.example.org/hooks', events: ['subscriber.confirmed'] });
 * await webhooks.run({ kind: 'event', event }); // 'queued 1'
 */
export class WebhooksService {
  constructor(
    private readonly ports: WebhooksPorts,
    private readonly settings: WebhooksSettings,
  ) {}

  /** @throws ValidationError */
  create(body: unknown): Promise<WebhookEndpointView & { secret: string }> {
    return createEndpoint(body, this.ports);
  }

  list(): Promise<WebhookEndpointView[]> {
    return listEndpoints(this.ports);
  }

  /** @throws NotFoundError */
  get(id: string): Promise<WebhookEndpointView> {
    return getEndpoint(id, this.ports);
  }

  /** @throws NotFoundError, ValidationError */
  update(id: string, body: unknown): Promise<WebhookEndpointView> {
    return updateEndpoint(id, body, this.ports);
  }

  /** @throws NotFoundError */
  remove(id: string): Promise<void> {
    return removeEndpoint(id, this.ports);
  }

  /** @throws NotFoundError */
  deliveries(id: string): Promise<DeliveryAttempt[]> {
    return endpointDeliveries(id, this.ports);
  }

  /** Runs one message of the webhooks queue: fans an event out, or makes one delivery attempt. */
  async run(job: WebhookJob): Promise<DeliveryOutcome | `queued ${number}`> {
    if (job.kind === 'event') return `queued ${await fanOutWebhookEvent(job.event, this.ports)}`;
    return deliverWebhook(job, { ...this.ports, firstRetrySeconds: this.settings.firstRetrySeconds });
  }
}
