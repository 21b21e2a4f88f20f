import { cancelSend, getSendProgress, pauseSend, resumeSend } from '../domain/delivery/control-send';
import { getReleaseStatus } from '../domain/release/release-status';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, jsonBody, type DepsProvider } from '../runtime/http';

/** Optional `{ "reason": "…" }` on a pause: shown to staff with the paused status. */
function pauseReason(body: unknown): string | undefined {
  const reason = (body as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 200) : undefined;
}

/**
 * GET /admin/releases/{id}: the release with its send and each social post (status, remote URL, the
 * channel's last error).
 * GET /admin/releases/{id}/send: the send's status, counters and bounce/complaint rates.
 * POST /admin/releases/{id}/pause | resume | cancel: move the send; 200 with the new progress, 409
 * when its status does not allow the move. A resume may enqueue a fan-out job (planning not yet
 * finished), so this function sends to the fan-out queue.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(
    getDeps,
    async (event, deps) => {
      requireAdmin(event, deps.adminToken);
      const id = event.pathParameters?.id ?? '';
      // The route, e.g. `POST /admin/releases/{id}/pause`, names the command.
      const command = event.routeKey.split('/').pop();
      if (command === '{id}') return json(200, await getReleaseStatus(id, deps));
      if (command === 'send') return json(200, await getSendProgress(id, deps));
      if (command === 'pause') return json(200, await pauseSend(id, deps, { reason: pauseReason(event.body ? jsonBody(event) : undefined) }));
      if (command === 'resume') return json(200, await resumeSend(id, deps));
      if (command === 'cancel') return json(200, await cancelSend(id, deps));
      return json(404, { error: 'NotFound', message: `No route ${event.routeKey}` });
    },
  );

export const handler = makeHandler(awsDeps);
