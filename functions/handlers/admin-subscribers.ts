import { importSubscribers } from '../domain/subscriber/import-subscribers';
import { activeListIds } from '../domain/lists/mailing-list';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, jsonBody, type DepsProvider } from '../runtime/http';

/** POST /admin/subscribers: staff add confirmed subscribers `{ email, lists }` (one or many). */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    requireAdmin(event, deps.adminToken);
    const imported = await importSubscribers(jsonBody(event), { ...deps, lists: activeListIds(await deps.lists.all()) });
    return json(200, {
      added: imported.filter((s) => s.created).length,
      updated: imported.filter((s) => !s.created).length,
      subscribers: imported,
    });
  });

export const handler = makeHandler(awsDeps);
