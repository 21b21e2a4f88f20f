import { awsServices } from '../runtime/aws';
import { header, httpHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /admin/lists/{listId}/export.csv: the list's members as CSV. The domain reads a page at a time;
 * a Lambda answer is one string, though, and API Gateway caps it (10 MB, and 6 MB for a synchronous
 * Lambda payload): roughly 60,000 members. Larger lists need an export to S3 with a presigned link.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    app.staff.requireAdmin(header(event, 'authorization'));
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

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
