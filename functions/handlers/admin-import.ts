import { ValidationError, type FieldIssue } from '../domain/errors';
import { awsServices } from '../runtime/aws';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { s3Files } from '../runtime/s3-files';
import { header, httpHandler, json, type HttpEvent, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';
import type { ImportJobView } from '../domain/subscriber/bulk-jobs';

/** `true` or `false`; anything else is named in a 400 rather than read as one of them. */
function flag(event: HttpEvent, name: string, issues: FieldIssue[]): boolean {
  const value = event.queryStringParameters?.[name] ?? 'false';
  if (value !== 'true' && value !== 'false') issues.push({ field: name, message: 'must be true or false' });
  return value === 'true';
}

function importOptions(event: HttpEvent, issues: FieldIssue[] = []) {
  const options = { dryRun: flag(event, 'dryRun', issues), consent: flag(event, 'consent', issues) };
  if (issues.length) throw new ValidationError(issues, 'Invalid import');
  return options;
}

// What an import answers besides its job: the report a one-shot import gave, once the job is done.
const answer = (view: ImportJobView) => {
  if (view.status === 'failed') throw new ValidationError(view.issues?.length ? view.issues : [{ field: 'file', message: view.error ?? 'cannot be imported' }], 'Invalid import');
  if (view.report) return json(200, { id: view.id, status: view.status, ...view.report });
  const accepted = json(202, view);
  return { ...accepted, headers: { ...accepted.headers, location: `/admin/imports/${view.id}` } };
};

// Leave this much of the invocation for answering; the rest of a large file goes to the bulk queue.
const ANSWER_MARGIN_MS = 5_000;

/**
 * Staff's CSV imports, each a job (domain/subscriber/bulk-jobs.ts):
 * - `POST /admin/imports?dryRun=&consent=` with a `text/csv` body: a small file answers its report at
 *   once (200); a larger one answers 202 with its progress, and carries on in the background.
 * - `POST /admin/imports/uploads?dryRun=&consent=`: a job and a pre-signed URL to PUT a file of any
 *   size to; then `POST /admin/imports/{importId}/start`.
 * - `GET /admin/imports/{importId}`: progress while it runs, the report once done.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app, context) => {
    const importId = event.pathParameters?.importId;
    switch (event.routeKey) {
      case 'POST /admin/imports/uploads':
        return json(201, await app.subscribers.openImportUpload(importOptions(event)));
      case 'POST /admin/imports/{importId}/start':
        return json(202, await app.subscribers.startImport(importId!));
      case 'GET /admin/imports/{importId}':
        return json(200, await app.subscribers.importJob(importId!));
      default: {
        const issues: FieldIssue[] = [];
        const type = header(event, 'content-type') ?? 'text/csv';
        if (!/^(text\/csv|text\/plain|application\/csv)\b/i.test(type)) issues.push({ field: 'content-type', message: 'send the file as text/csv' });
        const options = importOptions(event, issues);
        const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
        const budget = Math.max(1_000, context.getRemainingTimeInMillis() - ANSWER_MARGIN_MS);
        return answer(await app.subscribers.importFile(body, options, budget));
      }
    }
  });

// Sends confirmation emails for imports without consent, and stores the file (its declaration's parts).
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { systemEmails: precompiledSystemEmails, files: s3Files }));
