import { awsServices } from '../runtime/aws';
import { header, httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { listsService } from '../runtime/factories/lists';

/** GET/POST /admin/lists and GET/PATCH /admin/lists/{listId}: staff manage lists; answers carry member counts. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    app.staff.requireAdmin(header(event, 'authorization'));
    const listId = event.pathParameters?.listId;
    const method = event.requestContext.http.method;
    if (!listId) return method === 'POST' ? json(201, await app.lists.create(jsonBody(event))) : json(200, { lists: await app.lists.all() });
    return method === 'PATCH' ? json(200, await app.lists.update(listId, jsonBody(event))) : json(200, await app.lists.describe(listId));
  });

export const handler = makeHandler(() => awsServices({ lists: listsService }));
