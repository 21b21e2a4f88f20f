import { awsServices } from '../runtime/aws';
import { s3Files } from '../runtime/s3-files';
import { httpHandler, json, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * List exports:
 * - `GET /admin/lists/{listId}/export.csv`: the list's members as CSV in the answer itself. A Lambda
 *   answer is one string, and API Gateway caps it (6 MB for a synchronous Lambda payload): roughly
 *   60,000 members.
 * - `POST /admin/lists/{listId}/exports`: an export of any size, written to a file by the bulk queue;
 *   `GET /admin/exports/{exportId}` answers its state and, once done, a download link.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    if (event.routeKey === 'POST /admin/lists/{listId}/exports') {
      const view = await app.subscribers.requestExport(event.pathParameters!.listId!);
      const accepted = json(202, view);
      return { ...accepted, headers: { ...accepted.headers, location: `/admin/exports/${view.id}` } };
    }
    if (event.routeKey === 'GET /admin/exports/{exportId}') return json(200, await app.subscribers.exportJob(event.pathParameters!.exportId!));
    const listId = event.pathParameters!.listId!;
    let body = '';
    for await (const chunk of await app.subscribers.exportCsv(listId)) body += chunk;
    return {
      statusCode: 200,
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${listId}.csv"`,
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-store',
      },
      body,
    };
  });

// Signs download links to exported files (its declaration's parts).
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { files: s3Files }));
