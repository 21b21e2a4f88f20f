import { NotFoundError } from '../errors';
import type { Clock } from '../ports';
import { newEndpointId, newWebhookSecret, parseEndpointInput, viewOf, type DeliveryAttempt, type EndpointInput, type WebhookEndpointPatch, type WebhookEndpointView } from './endpoint';
import type { WebhookEndpointStore } from './ports';

export interface ManageEndpointsDeps {
  endpoints: WebhookEndpointStore;
  clock: Clock;
}

/**
 * Registers an endpoint with a fresh secret, answered this once: staff copy it into the receiver.
 *
 * @throws ValidationError for a bad URL, event list or flag.
 * @example
 * const { id, secret } = await createEndpoint({ url: 'https://crm.example.org/hooks', events: 'all' }, deps);
 */
export async function createEndpoint(body: unknown, deps: ManageEndpointsDeps): Promise<WebhookEndpointView & { secret: string }> {
  const input = parseEndpointInput(body, false) as EndpointInput;
  const now = deps.clock.now().toISOString();
  const endpoint = { id: newEndpointId(), secret: newWebhookSecret(), ...input, createdAt: now, updatedAt: now };
  await deps.endpoints.create(endpoint);
  return { ...viewOf(endpoint), secret: endpoint.secret };
}

/** Every endpoint, oldest first, without secrets; a disabled one shows `disabledAt` and why. */
export async function listEndpoints(deps: ManageEndpointsDeps): Promise<WebhookEndpointView[]> {
  return (await deps.endpoints.list()).map(viewOf);
}

/** @throws NotFoundError */
export async function getEndpoint(id: string, deps: ManageEndpointsDeps): Promise<WebhookEndpointView> {
  const endpoint = await deps.endpoints.get(id);
  if (!endpoint) throw new NotFoundError('No such webhook endpoint');
  return viewOf(endpoint);
}

/**
 * Changes an endpoint. Enabling it again (`enabled: true`) also lifts a disabling by Pressroom and
 * starts its failure count afresh; events from while it was disabled are not sent.
 *
 * @throws NotFoundError; ValidationError.
 * @example
 * await updateEndpoint(id, { enabled: true }, deps);
 */
export async function updateEndpoint(id: string, body: unknown, deps: ManageEndpointsDeps): Promise<WebhookEndpointView> {
  const input = parseEndpointInput(body, true);
  const patch: WebhookEndpointPatch = { ...input };
  if (input.enabled === true) Object.assign(patch, { disabledAt: null, disabledReason: null, failingSince: null });
  if (!(await deps.endpoints.update(id, patch, deps.clock.now()))) throw new NotFoundError('No such webhook endpoint');
  return getEndpoint(id, deps);
}

/** @throws NotFoundError */
export async function removeEndpoint(id: string, deps: ManageEndpointsDeps): Promise<void> {
  await getEndpoint(id, deps);
  await deps.endpoints.remove(id);
}

/** The endpoint's last attempts, newest first. @throws NotFoundError */
export async function endpointDeliveries(id: string, deps: ManageEndpointsDeps): Promise<DeliveryAttempt[]> {
  await getEndpoint(id, deps);
  return deps.endpoints.attempts(id);
}
