import { awsServices } from '../runtime/aws';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * Staff and subscribers:
 * - POST /admin/subscribers: add confirmed subscribers `{ email, lists }` (one or many);
 * - GET /admin/subscribers?email=: look one up;
 * - PATCH /admin/subscribers/{id}: `{ lists: { add?, remove? } }`;
 * - DELETE /admin/subscribers/{id}: erase personal data (answers 200 with what was kept: a 204 could not say);
 * - GET /admin/subscribers/{id}/history?cursor=: the consent history, newest first, a page at a time;
 * - GET /admin/subscribers/{id}/data: everything held about them (right of access), as a JSON download.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const id = event.pathParameters?.subscriberId;
    if (event.routeKey.endsWith('/history')) return json(200, await app.subscribers.consentHistory(id!, event.queryStringParameters?.cursor));
    if (event.routeKey.endsWith('/data')) {
      const answer = json(200, await app.subscribers.subscriberData(id!));
      return { ...answer, headers: { ...answer.headers, 'content-disposition': `attachment; filename="subscriber-${id!.replace(/[^\w-]/g, '')}.json"` } };
    }
    switch (event.requestContext.http.method) {
      case 'GET':
        return json(200, await app.subscribers.lookup(event.queryStringParameters?.email));
      case 'PATCH':
        return json(200, await app.subscribers.changeLists(id!, jsonBody(event)));
      case 'DELETE':
        return json(200, await app.subscribers.erase(id!));
    }
    return json(200, await app.subscribers.importConfirmed(jsonBody(event)));
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
