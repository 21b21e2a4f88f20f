import { awsServices } from '../runtime/aws';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { webhooksService } from '../runtime/factories/webhooks';

/**
 * Staff's outgoing webhook endpoints (admins only):
 * - GET/POST /admin/webhooks: the endpoints; a new one's secret is in the 201 answer, and only there;
 * - GET/PATCH/DELETE /admin/webhooks/{endpointId} (PATCH `enabled: true` re-enables a disabled one);
 * - GET /admin/webhooks/{endpointId}/deliveries: its last 100 attempts, newest first.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { endpointId } = event.pathParameters ?? {};
    const method = event.requestContext.http.method;
    if (!endpointId) return method === 'POST' ? json(201, await app.webhooks.create(jsonBody(event))) : json(200, { endpoints: await app.webhooks.list() });
    if (event.routeKey.endsWith('/deliveries')) return json(200, { deliveries: await app.webhooks.deliveries(endpointId) });
    if (method === 'PATCH') return json(200, await app.webhooks.update(endpointId, jsonBody(event)));
    if (method === 'DELETE') {
      await app.webhooks.remove(endpointId);
      return json(200, { id: endpointId, removed: true });
    }
    return json(200, await app.webhooks.get(endpointId));
  });

export const handler = makeHandler(() => awsServices({ webhooks: webhooksService }));
