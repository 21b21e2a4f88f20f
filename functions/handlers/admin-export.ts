import { exportListCsv } from '../domain/subscriber/csv-export';
import { awsDeps } from '../runtime/aws';
import { requireAdmin } from '../runtime/admin-auth';
import { httpHandler, type DepsProvider } from '../runtime/http';

/**
 * GET /admin/lists/{listId}/export.csv: the list's members as CSV. The domain reads a page at a time;
 * a Lambda answer is one string, though, and API Gateway caps it (10 MB, and 6 MB for a synchronous
 * Lambda payload): roughly 60,000 members. Larger lists need an export to S3 with a presigned link.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    requireAdmin(event, deps.adminToken);
    const listId = event.pathParameters!.listId!;
    let body = '';
    for await (const chunk of await exportListCsv(listId, deps)) body += chunk;
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

export const handler = makeHandler(awsDeps);
