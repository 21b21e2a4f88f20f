import { importSubscribers } from '../domain/subscriber/import-subscribers';
import { changeSubscriberLists, eraseSubscriber, lookupSubscriber } from '../domain/subscriber/manage-subscribers';
import { activeListIds } from '../domain/lists/mailing-list';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, jsonBody, type DepsProvider } from '../runtime/http';

/**
 * Staff and subscribers:
 * - POST /admin/subscribers: add confirmed subscribers `{ email, lists }` (one or many);
 * - GET /admin/subscribers?email=: look one up;
 * - PATCH /admin/subscribers/{id}: `{ lists: { add?, remove? } }`;
 * - DELETE /admin/subscribers/{id}: erase personal data (answers 200 with what was kept: a 204 could not say).
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(
    getDeps,
    async (event, deps) => {
      requireAdmin(event, deps.adminToken);
      const id = event.pathParameters?.subscriberId;
      switch (event.requestContext.http.method) {
        case 'GET':
          return json(200, await lookupSubscriber(event.queryStringParameters?.email, deps));
        case 'PATCH':
          return json(200, await changeSubscriberLists(id!, jsonBody(event), deps));
        case 'DELETE':
          return json(200, await eraseSubscriber(id!, deps));
      }
      const imported = await importSubscribers(jsonBody(event), { ...deps, lists: activeListIds(await deps.lists.all()) });
      return json(200, {
        added: imported.filter((s) => s.created).length,
        updated: imported.filter((s) => !s.created && !s.skipped).length,
        skippedSuppressed: imported.filter((s) => s.skipped).length,
        subscribers: imported,
      });
    },
  );

export const handler = makeHandler(awsDeps);
