import { InvalidTokenError } from '../domain/errors';
import { confirmSubscription, readConfirmation } from '../domain/subscriber/confirm-subscription';
import { stringsFor } from '../adapters/strings/ui-strings';
import { confirmedPage, confirmPage, invalidConfirmationPage } from '../adapters/http/signup-pages';
import { awsDeps } from '../runtime/aws';
import { html, httpHandler, type DepsProvider } from '../runtime/http';

/**
 * GET /confirm/{token} only shows the lists and a button, and changes nothing: mail scanners and
 * link previewers fetch every link in an email, and must not confirm a sign-up on someone's behalf.
 * POST /confirm/{token} (the button) confirms the lists and answers "You are subscribed".
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    const organisationName = deps.config.brand.organisationName;
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.requestContext.http.method === 'POST') {
        const confirmed = await confirmSubscription(token, deps);
        return html(200, confirmedPage(organisationName, stringsFor(confirmed.language), confirmed.lists.map((l) => l.name)));
      }
      const view = await readConfirmation(token, deps);
      return html(200, confirmPage(organisationName, stringsFor(view.language), view.lists.map((l) => l.name), token));
    } catch (error) {
      // The same page for every bad link: it must not tell forged, expired and erased apart.
      if (error instanceof InvalidTokenError) return html(400, invalidConfirmationPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(awsDeps);
