import { deadLetterDepths, redriveDeadLetters } from '../domain/delivery/dead-letters';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, json, type DepsProvider } from '../runtime/http';

/**
 * GET /admin/queues: each work queue's dead-letter depth. POST /admin/queues/{queue}/redrive: sends
 * that DLQ's messages back to its queue (202: on AWS the move runs on after the answer). An unknown
 * queue is a 404.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    requireAdmin(event, deps.adminToken);
    const queue = event.pathParameters?.queue;
    if (!queue) return json(200, { queues: await deadLetterDepths(deps) });
    return json(202, await redriveDeadLetters(decodeURIComponent(queue), deps));
  });

export const handler = makeHandler(awsDeps);
