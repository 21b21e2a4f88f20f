import { awsServices } from '../runtime/aws';
import { consoleHandler } from '../runtime/console-handler';
import { mjmlRenderer } from '../runtime/mjml-rendering';
import { socialChannels } from '../runtime/channels';
import { header, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import { formFields } from '../adapters/http/form-body';
import { sessionsService } from '../runtime/factories/sessions';
import { draftsService } from '../runtime/factories/drafts';
import { listsService } from '../runtime/factories/lists';
import { sessionCookie } from '../adapters/http/console/console-http';
import { composeScript } from '../adapters/http/console/compose-script';
import * as show from '../adapters/http/console/compose-answers';

/**
 * The console's compose pages: drafts, preview, test send and publish. A function of its own because
 * it needs the MJML renderer and the social channels, which the light `console` function (sign-in,
 * lists of releases) should not load at every cold start. Every POST is a form post from our origin
 * with the session's CSRF token; publishing needs an editor.
 */
const route = async (event: HttpEvent, app: Services) => {
  if (event.routeKey === 'GET /console/assets/compose.js') return composeScript();
  const session = await app.sessions.authenticate(sessionCookie(event));
  app.staff.requireRole(session, 'contributor');
  const id = event.pathParameters?.id ?? '';
  if (event.requestContext.http.method === 'POST') {
    app.staff.requireFormPost(session, { origin: header(event, 'origin'), csrfToken: formFields(event).get('csrf') ?? undefined });
  }
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

export const makeHandler = (getServices: ServicesProvider) => consoleHandler(getServices, route);

// Renders releases with MJML and counts posts with the configured channels (its declaration's parts).
export const handler = makeHandler(() =>
  awsServices({ sessions: sessionsService, drafts: draftsService, lists: listsService }, { renderer: mjmlRenderer, channels: socialChannels }),
);
