import { awsServices } from '../runtime/aws';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { listsService } from '../runtime/factories/lists';

/**
 * GET/POST /admin/lists and GET/PATCH /admin/lists/{listId}: staff manage lists; answers carry the
 * member counts the store maintains.
 * POST /admin/lists/{listId}/recount: pages the members once and corrects those counts; 200 with
 * the list, its counts and `recount.corrected`, or 202 with `recount.continue` to send back as
 * `{ "continue": "…" }` when the list takes more than one call.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const listId = event.pathParameters?.listId;
    const method = event.requestContext.http.method;
    if (!listId) return method === 'POST' ? json(201, await app.lists.create(jsonBody(event))) : json(200, { lists: await app.lists.all() });
    if (event.routeKey.endsWith('/recount')) {
      const outcome = await app.lists.recount(listId, event.body ? jsonBody(event) : {});
      return outcome.done
        ? json(200, { ...outcome.list, recount: { corrected: outcome.corrected } })
        : json(202, { id: outcome.listId, recount: { continue: outcome.continue, paged: outcome.paged } });
    }
    return method === 'PATCH' ? json(200, await app.lists.update(listId, jsonBody(event))) : json(200, await app.lists.describe(listId));
  });

export const handler = makeHandler(() => awsServices({ lists: listsService }));
