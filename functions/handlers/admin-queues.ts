import { awsServices } from '../runtime/aws';
import { httpHandler, json, type ServicesProvider } from '../runtime/http';
import { deliveryService } from '../runtime/factories/delivery';

/**
 * GET /admin/queues: each work queue's dead-letter depth. POST /admin/queues/{queue}/redrive: sends
 * that DLQ's messages back to its queue (202: on AWS the move runs on after the answer). An unknown
 * queue is a 404.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const queue = event.pathParameters?.queue;
    if (!queue) return json(200, { queues: await app.delivery.deadLetterDepths() });
    return json(202, await app.delivery.redrive(decodeURIComponent(queue)));
  });

export const handler = makeHandler(() => awsServices({ delivery: deliveryService }));
