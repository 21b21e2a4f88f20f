import { ValidationError, type FieldIssue } from '../domain/errors';
import { csvSource } from '../domain/subscriber/csv-import';
import { awsServices } from '../runtime/aws';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { header, httpHandler, json, type HttpEvent, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/** `true` or `false`; anything else is named in a 400 rather than read as one of them. */
function flag(event: HttpEvent, name: string, issues: FieldIssue[]): boolean {
  const value = event.queryStringParameters?.[name] ?? 'false';
  if (value !== 'true' && value !== 'false') issues.push({ field: name, message: 'must be true or false' });
  return value === 'true';
}

/** POST /admin/imports?dryRun=&consent=: a `text/csv` body, imported row by row with a per-row report. */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    app.staff.requireAdmin(header(event, 'authorization'));
    const issues: FieldIssue[] = [];
    const options = { dryRun: flag(event, 'dryRun', issues), consent: flag(event, 'consent', issues) };
    const type = header(event, 'content-type') ?? 'text/csv';
    if (!/^(text\/csv|text\/plain|application\/csv)\b/i.test(type)) issues.push({ field: 'content-type', message: 'send the file as text/csv' });
    if (issues.length) throw new ValidationError(issues, 'Invalid import');
    const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
    return json(200, await app.subscribers.importCsv(csvSource(body), options));
  });

// Sends confirmation emails for imports without consent (its declaration's parts, runtime/function-specs.ts).
export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }, { systemEmails: precompiledSystemEmails }));
