import { InvalidTokenError } from '../domain/errors';
import { stringsFor } from '../adapters/strings/ui-strings';
import { confirmedPage, confirmPage, invalidConfirmationPage } from '../adapters/http/signup-pages';
import { awsServices } from '../runtime/aws';
import { html, httpHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /confirm/{token} only shows the lists and a button, and changes nothing: mail scanners and
 * link previewers fetch every link in an email, and must not confirm a sign-up on someone's behalf.
 * POST /confirm/{token} (the button) confirms the lists and answers "You are subscribed".
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { organisationName } = app.brand;
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.requestContext.http.method === 'POST') {
        const confirmed = await app.subscribers.confirm(token);
        return html(200, confirmedPage(organisationName, stringsFor(confirmed.language), confirmed.lists.map((l) => l.name)));
      }
      const view = await app.subscribers.readConfirmation(token);
      return html(200, confirmPage(organisationName, stringsFor(view.language), view.lists.map((l) => l.name), token));
    } catch (error) {
      // The same page for every bad link: it must not tell forged, expired and erased apart.
      if (error instanceof InvalidTokenError) return html(400, invalidConfirmationPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
