import type { DeliveryAttempt, WebhookEndpoint, WebhookEndpointPatch } from '../../functions/domain/webhooks/endpoint';
import type { EventPublisher, WebhookEndpointStore } from '../../functions/domain/webhooks/ports';
import type { WebhookEvent } from '../../functions/domain/webhooks/event';

/** Webhook endpoints and their delivery logs in memory, keeping `keep` attempts as the DynamoDB ring does. */
export class MemoryWebhookEndpointStore implements WebhookEndpointStore {
  readonly endpoints = new Map<string, WebhookEndpoint>();
  readonly logs = new Map<string, DeliveryAttempt[]>();

  async create(endpoint: WebhookEndpoint) {
    this.endpoints.set(endpoint.id, structuredClone(endpoint));
  }
  async get(id: string) {
    const endpoint = this.endpoints.get(id);
    return endpoint && structuredClone(endpoint);
  }
  async list() {
    return [...this.endpoints.values()].map((e) => structuredClone(e)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
  async update(id: string, patch: WebhookEndpointPatch, now: Date) {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) return false;
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null) delete (endpoint as unknown as Record<string, unknown>)[field];
      else (endpoint as unknown as Record<string, unknown>)[field] = value;
    }
    endpoint.updatedAt = now.toISOString();
    return true;
  }
  async markFailing(id: string, at: Date) {
    const endpoint = this.endpoints.get(id);
    if (!endpoint) return undefined;
    endpoint.failingSince ??= at.toISOString();
    return endpoint.failingSince;
  }
  async remove(id: string) {
    this.endpoints.delete(id);
    this.logs.delete(id);
  }
  async recordAttempt(endpointId: string, attempt: DeliveryAttempt, keep: number) {
    if (!this.endpoints.has(endpointId)) return;
    const log = [attempt, ...(this.logs.get(endpointId) ?? [])].slice(0, keep);
    this.logs.set(endpointId, log);
  }
  async attempts(endpointId: string) {
    return structuredClone(this.logs.get(endpointId) ?? []);
  }
}

/** Keeps what was published. */
export class RecordingEventPublisher implements EventPublisher {
  readonly events: WebhookEvent[] = [];
  async publish(event: WebhookEvent) {
    this.events.push(event);
  }
}
