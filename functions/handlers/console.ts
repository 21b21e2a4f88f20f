import { awsServices } from '../runtime/aws';
import { consoleHandler } from '../runtime/console-handler';
import { header, type HttpEvent, type ServicesProvider } from '../runtime/http';
import type { Services } from '../runtime/compose';
import { formFields } from '../adapters/http/form-body';
import { AuthenticationError } from '../domain/errors';
import { sessionsService } from '../runtime/factories/sessions';
import { deliveryService } from '../runtime/factories/delivery';
import { listsService } from '../runtime/factories/lists';
import { precompiledSystemEmails } from '../runtime/system-emails';
import { consoleStylesheet, sessionCookie } from '../adapters/http/console/console-http';
import * as show from '../adapters/http/console/console-answers';
import * as staffOps from '../adapters/http/console/staff-answers';
import { teamService } from '../runtime/factories/team';
import { noteAuditTarget } from '../runtime/staff-audit';

/**
 * A path parameter as typed: the local gateway decodes them, and one still holding `%XX` (an
 * address's `%40`) is decoded here, so both runtimes see `editor@example.org`.
 */
function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name] ?? '';
  try {
    return /%[0-9a-f]{2}/i.test(value) ? decodeURIComponent(value) : value;
  } catch {
    return value;
  }
}

/**
 * The staff console (functions/adapters/http/console/): sign-in by emailed link, sessions, the
 * releases page, staff management, each member's API tokens and the audit log. Every POST is checked for our Origin, and, once signed in, the session's CSRF
 * token; refusals are pages (console-errors.tsx).
 */
const route = async (event: HttpEvent, app: Services) => {
  const origin = header(event, 'origin');
  const session = () => app.sessions.authenticate(sessionCookie(event));
  const asAdmin = async () => {
    const current = await session();
    app.staff.requireRole(current, 'admin');
    return current;
  };
  const param = (name: string) => pathParameter(event, name);
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
    case 'GET /console/tokens': {
      const current = await session();
      app.staff.requireRole(current, 'contributor');
      return staffOps.tokens(app, current);
    }
    case 'GET /console/tokens/{tokenId}/revoke': {
      const current = await session();
      app.staff.requireRole(current, 'contributor');
      return staffOps.confirmRevocation(app, current, param('tokenId'));
    }
    case 'GET /console/staff':
      return staffOps.staff(app, await asAdmin());
    case 'GET /console/staff/{email}/remove':
      return staffOps.confirmRemoval(app, await asAdmin(), param('email'));
    case 'GET /console/audit':
      return staffOps.audit(app, await asAdmin(), event);
  }
  // The rest are forms: our origin and the session's CSRF token first.
  const current = await session();
  const form = formFields(event);
  app.staff.requireFormPost(current, { origin, csrfToken: form.get('csrf') ?? undefined });
  switch (event.routeKey) {
    case 'POST /console/tokens':
      app.staff.requireRole(current, 'contributor');
      noteAuditTarget(event, { name: form.get('name') ?? '', role: form.get('role') ?? '' });
      return staffOps.createToken(app, current, form);
    case 'POST /console/tokens/{tokenId}/revoke':
      app.staff.requireRole(current, 'contributor');
      return staffOps.revokeToken(app, current, param('tokenId'));
    case 'POST /console/staff':
      app.staff.requireRole(current, 'admin');
      noteAuditTarget(event, { member: form.get('email') ?? '', role: form.get('role') ?? '' });
      return staffOps.addMember(app, current, form);
    case 'POST /console/staff/{email}/role':
      app.staff.requireRole(current, 'admin');
      noteAuditTarget(event, { role: form.get('role') ?? '' });
      return staffOps.changeRole(app, current, param('email'), form);
    case 'POST /console/staff/{email}/remove':
      app.staff.requireRole(current, 'admin');
      return staffOps.removeMember(app, current, param('email'));
  }
  throw new Error(`No console route ${event.routeKey}`);
};

export const makeHandler = (getServices: ServicesProvider) => consoleHandler(getServices, route);

export const handler = makeHandler(() =>
  awsServices({ sessions: sessionsService, delivery: deliveryService, lists: listsService, team: teamService }, { systemEmails: precompiledSystemEmails }),
);
