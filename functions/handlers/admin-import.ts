import { activeListIds } from '../domain/lists/mailing-list';
import { sendConfirmationEmail } from '../domain/subscriber/confirmation';
import { csvSource, importCsv } from '../domain/subscriber/csv-import';
import { ValidationError, type FieldIssue } from '../domain/errors';
import { awsDeps } from '../runtime/aws';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { requireAdmin } from '../runtime/admin-auth';
import { header, httpHandler, json, type DepsProvider, type HttpEvent } from '../runtime/http';

/** `true` or `false`; anything else is named in a 400 rather than read as one of them. */
function flag(event: HttpEvent, name: string, issues: FieldIssue[]): boolean {
  const value = event.queryStringParameters?.[name] ?? 'false';
  if (value !== 'true' && value !== 'false') issues.push({ field: name, message: 'must be true or false' });
  return value === 'true';
}

/** POST /admin/imports?dryRun=&consent=: a `text/csv` body, imported row by row with a per-row report. */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    requireAdmin(event, deps.adminToken);
    const issues: FieldIssue[] = [];
    const options = { dryRun: flag(event, 'dryRun', issues), consent: flag(event, 'consent', issues) };
    const type = header(event, 'content-type') ?? 'text/csv';
    if (!/^(text\/csv|text\/plain|application\/csv)\b/i.test(type)) issues.push({ field: 'content-type', message: 'send the file as text/csv' });
    if (issues.length) throw new ValidationError(issues, 'Invalid import');
    const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
    const report = await importCsv(csvSource(body), options, {
      ...deps,
      lists: activeListIds(await deps.lists.all()),
      requestConfirmation: (subscriber, lists) => sendConfirmationEmail(subscriber, lists, deps),
    });
    return json(200, report);
  });

// Sends confirmation emails for imports without consent (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsDeps({ systemEmails: precompiledSystemEmails }));
