import { awsServices } from '../runtime/aws';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { sourcesService } from '../runtime/factories/sources';

/**
 * Staff's feed sources and Ghost sources:
 * - GET/POST /admin/sources; GET/PATCH/DELETE /admin/sources/{sourceId} (the GET lists its posts);
 * - POST /admin/sources/{sourceId}/poll: polls a feed now and answers what the poll did;
 * - POST /admin/sources/{sourceId}/items/{releaseId}/publish: publishes a post now (one seen when the
 *   feed was connected, one that failed or one held).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { sourceId, releaseId } = event.pathParameters ?? {};
    const method = event.requestContext.http.method;
    if (!sourceId) return method === 'POST' ? json(201, await app.sources.register(jsonBody(event))) : json(200, { sources: await app.sources.list() });
    if (releaseId) return json(200, await app.sources.publishItem(sourceId, releaseId));
    if (event.routeKey.endsWith('/poll')) return json(200, await app.sources.pollNow(sourceId));
    if (method === 'PATCH') return json(200, await app.sources.update(sourceId, jsonBody(event)));
    if (method === 'DELETE') {
      await app.sources.remove(sourceId);
      return json(200, { id: sourceId, removed: true });
    }
    return json(200, await app.sources.get(sourceId));
  });

// Publishing a post renders it and schedules its social posts (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ sources: sourcesService }, { renderer: mjmlRenderer, channels: socialChannels }));
