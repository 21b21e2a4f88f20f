import { createList, describeList, listLists, updateList } from '../domain/lists/manage-lists';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, jsonBody, type DepsProvider } from '../runtime/http';

/** GET/POST /admin/lists and GET/PATCH /admin/lists/{listId}: staff manage lists; answers carry member counts. */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(
    getDeps,
    async (event, deps) => {
      requireAdmin(event, deps.adminToken);
      const listId = event.pathParameters?.listId;
      const method = event.requestContext.http.method;
      if (!listId) return method === 'POST' ? json(201, await createList(jsonBody(event), deps)) : json(200, { lists: await listLists(deps) });
      return method === 'PATCH' ? json(200, await updateList(listId, jsonBody(event), deps)) : json(200, await describeList(listId, deps));
    },
  );

export const handler = makeHandler(awsDeps);
