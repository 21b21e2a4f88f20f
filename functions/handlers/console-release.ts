import { awsServices } from '../runtime/aws';
import { consoleHandler } from '../runtime/console-handler';
import { header, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import { formFields } from '../adapters/http/form-body';
import { sessionsService } from '../runtime/factories/sessions';
import { teamService } from '../runtime/factories/team';
import { releasesService } from '../runtime/factories/releases';
import { deliveryService } from '../runtime/factories/delivery';
import { socialService } from '../runtime/factories/social';
import { releaseScript, sessionCookie } from '../adapters/http/console/console-http';
import * as show from '../adapters/http/console/release-answers';

/**
 * One release in the staff console (functions/adapters/http/console/release-page.tsx): any member
 * may look and send a test to staff; editors pause, resume, cancel (after a confirmation step) and
 * retry failed posts. Every POST carries our Origin and the session's CSRF token.
 */
const route = async (event: HttpEvent, app: Services) => {
  if (event.routeKey === 'GET /console/assets/release.js') return releaseScript();
  const session = await app.sessions.authenticate(sessionCookie(event));
  app.staff.requireRole(session, 'contributor');
  const id = event.pathParameters?.id ?? '';
  if (event.requestContext.http.method === 'GET') {
    if (event.routeKey === 'GET /console/releases/{id}/stats') return show.stats(app, id);
    if (event.routeKey === 'GET /console/releases/{id}/cancel') {
      app.staff.requireRole(session, 'editor');
      return show.cancelPage(app, session, id);
    }
    return show.releasePage(app, session, id, event);
  }
  const form = formFields(event);
  app.staff.requireFormPost(session, { origin: header(event, 'origin'), csrfToken: form.get('csrf') ?? undefined });
  if (event.routeKey === 'POST /console/releases/{id}/test') return show.testSend(app, session, id, form.get('address') ?? '');
  app.staff.requireRole(session, 'editor');
  switch (event.routeKey) {
    case 'POST /console/releases/{id}/pause':
      return show.moveSend(app, session, id, 'pause');
    case 'POST /console/releases/{id}/resume':
      return show.moveSend(app, session, id, 'resume');
    case 'POST /console/releases/{id}/cancel':
      return show.cancel(app, id, form.get('confirm') === 'cancel');
    case 'POST /console/releases/{id}/social/{channel}/retry':
      return show.retryPost(app, id, event.pathParameters?.channel ?? '');
  }
  throw new Error(`No console-release route ${event.routeKey}`);
};

export const makeHandler = (getServices: ServicesProvider) => consoleHandler(getServices, route);

export const handler = makeHandler(() =>
  awsServices({ sessions: sessionsService, team: teamService, releases: releasesService, delivery: deliveryService, social: socialService }),
);
