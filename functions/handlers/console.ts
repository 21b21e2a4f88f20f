import { awsServices } from '../runtime/aws';
import { header, httpHandler, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import { formFields } from '../adapters/http/form-body';
import { AuthenticationError } from '../domain/errors';
import { sessionsService } from '../runtime/factories/sessions';
import { deliveryService } from '../runtime/factories/delivery';
import { listsService } from '../runtime/factories/lists';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { consoleStylesheet, sessionCookie } from '../adapters/http/console/console-http';
import { consoleRefusal } from '../adapters/http/console/console-errors';
import * as show from '../adapters/http/console/console-answers';

/**
 * The staff console (functions/adapters/http/console/): sign-in by emailed link, sessions, and the
 * releases page. Every POST is checked for our Origin, and, once signed in, the session's CSRF
 * token; refusals are pages (console-errors.tsx).
 */
const route = async (event: HttpEvent, app: Services) => {
  const origin = header(event, 'origin');
  const session = () => app.sessions.authenticate(sessionCookie(event));
  switch (event.routeKey) {
    case 'GET /console/assets/console.css':
      return consoleStylesheet();
    case 'GET /console':
      return show.home(app, await session().catch((error) => (error instanceof AuthenticationError ? undefined : Promise.reject(error))), event);
    case 'POST /console/sign-in':
      app.staff.requireSameOrigin(origin);
      return show.linkRequested(app, formFields(event).get('email') ?? '', event.requestContext.http.sourceIp);
    case 'GET /console/sign-in/{token}':
      return show.linkPage(app, event.pathParameters?.token ?? '');
    case 'POST /console/sign-in/{token}':
      app.staff.requireSameOrigin(origin);
      return show.signedIn(app, await app.sessions.start(event.pathParameters?.token ?? ''));
    case 'POST /console/sign-out': {
      const current = await session();
      app.staff.requireFormPost(current, { origin, csrfToken: formFields(event).get('csrf') ?? undefined });
      await app.sessions.signOut(sessionCookie(event));
      return show.signedOut(app);
    }
    case 'GET /console/releases': {
      const current = await session();
      app.staff.requireRole(current, 'contributor');
      return show.releases(app, current, event);
    }
    case 'GET /console/staff': {
      const current = await session();
      app.staff.requireRole(current, 'admin');
      return show.staff(app, current);
    }
  }
  throw new Error(`No console route ${event.routeKey}`);
};

export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    try {
      return await route(event, app);
    } catch (error) {
      const refusal = await consoleRefusal(error, app.brand);
      if (refusal) return refusal;
      throw error;
    }
  });

export const handler = makeHandler(() =>
  awsServices({ sessions: sessionsService, delivery: deliveryService, lists: listsService }, { systemEmails: precompiledSystemEmails }),
);
