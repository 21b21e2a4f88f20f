import { awsServices } from '../runtime/aws';
import { httpHandler, json, jsonBody, type ServicesProvider } from '../runtime/http';
import { releasesService } from '../runtime/factories/releases';
import { deliveryService } from '../runtime/factories/delivery';
import { socialService } from '../runtime/factories/social';
import { parseReleaseQuery } from '../domain/delivery/release-overview';

/** Optional `{ "reason": "…" }` on a pause: shown to staff with the paused status. */
function pauseReason(body: unknown): string | undefined {
  const reason = (body as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' && reason.trim() ? reason.trim().slice(0, 200) : undefined;
}

/**
 * GET /admin/releases?limit=&cursor=&status=&list=: releases newest first with each send's progress.
 * GET /admin/releases/{id}: the release with its send and each social post (status, remote URL, the
 * channel's last error).
 * GET /admin/releases/{id}/send: the send's status, counters and bounce/complaint rates.
 * GET /admin/releases/{id}/recipients?list=&cursor=&email=: who got it, per member of one of its lists.
 * GET /admin/releases/{id}/engagement: opens, clicks and clicks per link (aggregates; tracking is off by default).
 * POST /admin/releases/{id}/pause | resume | cancel: move the send; 200 with the new progress, 409
 * when its status does not allow the move. A resume may enqueue a fan-out job (planning not yet
 * finished), so this function sends to the fan-out queue.
 * POST /admin/releases/{id}/social/{channel}/retry: a failed post goes back to be posted; 200 with
 * the post, 409 unless it failed.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const id = event.pathParameters?.id ?? '';
    // The route, e.g. `POST /admin/releases/{id}/pause`, names the command.
    const command = event.routeKey.split('/').pop();
    if (command === 'releases') return json(200, await app.delivery.overview(parseReleaseQuery(event.queryStringParameters ?? {})));
    if (command === '{id}') return json(200, await app.releases.status(id));
    if (command === 'send') return json(200, await app.delivery.progress(id));
    if (command === 'engagement') return json(200, await app.delivery.engagement(id));
    if (command === 'recipients') {
      const q = event.queryStringParameters ?? {};
      return json(200, await app.delivery.recipients(id, { listId: q.list, cursor: q.cursor, email: q.email, ...(q.limit ? { limit: Number(q.limit) || undefined } : {}) }));
    }
    if (command === 'pause') return json(200, await app.delivery.pause(id, pauseReason(event.body ? jsonBody(event) : undefined)));
    if (command === 'resume') return json(200, await app.delivery.resume(id));
    if (command === 'cancel') return json(200, await app.delivery.cancel(id));
    if (command === 'retry') return json(200, await app.social.retry(id, event.pathParameters?.channel ?? ''));
    return json(404, { error: 'NotFound', message: `No route ${event.routeKey}` });
  });

export const handler = makeHandler(() => awsServices({ releases: releasesService, delivery: deliveryService, social: socialService }));
