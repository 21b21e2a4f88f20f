import { awsServices } from '../runtime/aws';
import { consoleHandler } from '../runtime/console-handler';
import { header, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import { formFields } from '../adapters/http/form-body';
import { multipartForm } from '../adapters/http/multipart-body';
import { sessionsService } from '../runtime/factories/sessions';
import { listsService } from '../runtime/factories/lists';
import { subscribersService } from '../runtime/factories/subscribers';
import { deliveryService } from '../runtime/factories/delivery';
import { webhooksService } from '../runtime/factories/webhooks';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { s3Files } from '../runtime/s3-files';
import { sessionCookie } from '../adapters/http/console/console-http';
import * as show from '../adapters/http/console/audience-answers';
import * as webhooks from '../adapters/http/console/webhooks-answers';

// Leave this much of the invocation for answering; the rest of a large import goes to the bulk queue.
const ANSWER_MARGIN_MS = 5_000;

/**
 * The console's audience pages, admins only: lists, subscribers, CSV imports and list exports, dead
 * letters, outgoing webhook endpoints. Every route checks the session's role first; every POST then our Origin and the
 * session's CSRF token (an upload carries it in its multipart body).
 */
const route = async (event: HttpEvent, app: Services, remainingMs: () => number) => {
  const session = await app.sessions.authenticate(sessionCookie(event));
  app.staff.requireRole(session, 'admin');
  const p = event.pathParameters ?? {};
  const form = () => {
    const fields = formFields(event);
    app.staff.requireFormPost(session, { origin: header(event, 'origin'), csrfToken: fields.get('csrf') ?? undefined });
    return fields;
  };
  switch (event.routeKey) {
    case 'GET /console/lists':
      return show.lists(app, session, event);
    case 'POST /console/lists':
      return show.createList(app, session, form());
    case 'GET /console/lists/{listId}':
      return show.editList(app, session, p.listId!);
    case 'POST /console/lists/{listId}':
      return show.updateList(app, session, p.listId!, form());
    case 'POST /console/lists/{listId}/exports':
      form();
      return show.requestExport(app, p.listId!);
    case 'GET /console/exports/{exportId}':
      return show.exportJob(app, session, p.exportId!);
    case 'GET /console/subscribers':
      return show.subscribers(app, session, event);
    case 'POST /console/subscribers/{subscriberId}/lists':
      return show.changeLists(app, session, p.subscriberId!, form());
    case 'GET /console/subscribers/{subscriberId}/data':
      return show.heldData(app, p.subscriberId!);
    case 'GET /console/subscribers/{subscriberId}/erase':
      return show.eraseForm(app, session, p.subscriberId!);
    case 'POST /console/subscribers/{subscriberId}/erase':
      return show.erase(app, session, p.subscriberId!, form());
    case 'GET /console/imports':
      return show.importForm(app, session);
    case 'POST /console/imports': {
      const upload = await multipartForm(event);
      app.staff.requireFormPost(session, { origin: header(event, 'origin'), csrfToken: upload.field('csrf') });
      return show.importUpload(app, session, upload, Math.max(1_000, remainingMs() - ANSWER_MARGIN_MS));
    }
    case 'GET /console/imports/{importId}':
      return show.importJob(app, session, p.importId!);
    case 'GET /console/dead-letters':
      return show.deadLetters(app, session, event);
    case 'GET /console/dead-letters/{queue}/redrive':
      return show.redriveForm(app, session, p.queue!);
    case 'POST /console/dead-letters/{queue}/redrive':
      form();
      return show.redrive(app, p.queue!);
    case 'GET /console/webhooks':
      return webhooks.webhooks(app, session, event);
    case 'POST /console/webhooks':
      return webhooks.add(app, session, form());
    case 'GET /console/webhooks/{endpointId}':
      return webhooks.endpointPage(app, session, p.endpointId!, event);
    case 'POST /console/webhooks/{endpointId}':
      return webhooks.change(app, session, p.endpointId!, form());
    case 'GET /console/webhooks/{endpointId}/remove':
      return webhooks.confirmRemoval(app, session, p.endpointId!);
    case 'POST /console/webhooks/{endpointId}/remove':
      return webhooks.remove(app, p.endpointId!, form().get('confirm') === 'remove');
  }
  throw new Error(`No console route ${event.routeKey}`);
};

export const makeHandler = (getServices: ServicesProvider) =>
  consoleHandler(getServices, (event, app, context) => route(event, app, () => context.getRemainingTimeInMillis()));

// The file bucket and the bulk queue for imports and exports, confirmation emails for imports
// without consent, the dead-letter queues (its declaration's parts and permissions).
export const handler = makeHandler(() =>
  awsServices(
    { sessions: sessionsService, lists: listsService, subscribers: subscribersService, delivery: deliveryService, webhooks: webhooksService },
    { systemEmails: precompiledSystemEmails, files: s3Files },
  ),
);
