import { createList, describeList, ListExistsError, listLists, updateList } from '../domain/lists/manage-lists';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { errorResponse, httpHandler, json, jsonBody, type DepsProvider, type HttpResult } from '../runtime/http';

const onError = (error: unknown): HttpResult =>
  error instanceof ListExistsError ? json(409, { error: 'Conflict', message: error.message }) : errorResponse(error);

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
    onError,
  );

export const handler = makeHandler(awsDeps);
