import { awsServices } from '../runtime/aws';
import { consoleHandler } from '../runtime/console-handler';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { header, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import type { StaffSession } from '../domain/staff/sign-in';
import { formFields } from '../adapters/http/form-body';
import { sessionsService } from '../runtime/factories/sessions';
import { draftsService } from '../runtime/factories/drafts';
import { listsService } from '../runtime/factories/lists';
import { sourcesService } from '../runtime/factories/sources';
import { sessionCookie } from '../adapters/http/console/console-http';
import { composeScript } from '../adapters/http/console/compose-script';
import * as show from '../adapters/http/console/compose-answers';
import * as sources from '../adapters/http/console/sources-answers';

/**
 * The console's compose pages: drafts, preview, test send and publish; and the feed and Ghost
 * sources pages, whose "publish now" and "poll now" publish as the webhook does. A function of its
 * own because it needs the MJML renderer and the social channels, which the light `console` function
 * (sign-in, lists of releases) should not load at every cold start. Every POST is a form post from
 * our origin with the session's CSRF token; publishing, sources and polling need an editor, and
 * adding, changing or removing a source an admin.
 */
const route = async (event: HttpEvent, app: Services) => {
  if (event.routeKey === 'GET /console/assets/compose.js') return composeScript();
  const session = await app.sessions.authenticate(sessionCookie(event));
  app.staff.requireRole(session, 'contributor');
  const id = event.pathParameters?.id ?? '';
  if (event.requestContext.http.method === 'POST') {
    app.staff.requireFormPost(session, { origin: header(event, 'origin'), csrfToken: formFields(event).get('csrf') ?? undefined });
  }
  if (event.routeKey.startsWith('GET /console/sources') || event.routeKey.startsWith('POST /console/sources')) return sourcesRoute(event, app, session);
  switch (event.routeKey) {
    case 'GET /console/compose':
      return show.composeForm(app, session);
    case 'POST /console/compose':
      return show.submit(app, session, event);
    case 'POST /console/compose/counts':
      return show.counts(app, event);
    case 'GET /console/drafts':
      return show.drafts(app, session, event.queryStringParameters?.deleted === '1');
    case 'GET /console/drafts/{id}':
      return show.draftPage(app, session, id, event);
    case 'POST /console/drafts/{id}':
      return show.submit(app, session, event, id);
  }
  throw new Error(`No console route ${event.routeKey}`);
};

/** The sources pages: editors see them, poll and publish posts; admins add, change and remove. */
const sourcesRoute = async (event: HttpEvent, app: Services, session: StaffSession) => {
  app.staff.requireRole(session, 'editor');
  const { sourceId = '', releaseId = '' } = event.pathParameters ?? {};
  const admin = () => app.staff.requireRole(session, 'admin');
  switch (event.routeKey) {
    case 'GET /console/sources':
      return sources.sources(app, session, event);
    case 'POST /console/sources':
      admin();
      return sources.add(app, session, event);
    case 'GET /console/sources/{sourceId}':
      return sources.sourcePage(app, session, sourceId, event);
    case 'POST /console/sources/{sourceId}':
      admin();
      return sources.change(app, session, sourceId, event);
    case 'POST /console/sources/{sourceId}/poll':
      return sources.poll(app, sourceId);
    case 'POST /console/sources/{sourceId}/items/{releaseId}/publish':
      return sources.publishItem(app, sourceId, releaseId);
    case 'GET /console/sources/{sourceId}/remove':
      admin();
      return sources.confirmRemoval(app, session, sourceId);
    case 'POST /console/sources/{sourceId}/remove':
      admin();
      return sources.remove(app, sourceId, formFields(event).get('confirm') === 'remove');
  }
  throw new Error(`No console route ${event.routeKey}`);
};

export const makeHandler = (getServices: ServicesProvider) => consoleHandler(getServices, route);

// Renders releases with MJML and counts posts with the configured channels (its declaration's parts).
export const handler = makeHandler(() =>
  awsServices(
    { sessions: sessionsService, drafts: draftsService, lists: listsService, sources: sourcesService },
    { renderer: mjmlRenderer, channels: socialChannels },
  ),
);
