import { InvalidTokenError } from '../domain/errors';
import { invalidLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '../adapters/http/preference-pages';
import { awsServices } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, httpHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /unsubscribe/{token} shows a confirmation page and changes nothing, because mail scanners
 * fetch links. POST (the page's buttons, or a mailbox provider's RFC 8058 one-click request with
 * body `List-Unsubscribe=One-Click`) unsubscribes and answers 200 with no redirect. Only the page's
 * second button sends `scope=all`, so one-click always leaves just the list the email came from.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { organisationName } = app.brand;
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.requestContext.http.method === 'POST') {
        if (formFields(event).get('scope') === 'all') {
          const { preferencesToken, language } = await app.subscribers.unsubscribeAll(token);
          return html(200, unsubscribedPage({ organisationName, preferencesToken, language }));
        }
        const { listName, preferencesToken, language } = await app.subscribers.unsubscribe(token);
        return html(200, unsubscribedPage({ organisationName, listName, preferencesToken, language }));
      }
      const { listName, preferencesToken, language } = await app.subscribers.readUnsubscribe(token);
      return html(200, unsubscribeConfirmPage({ organisationName, token, listName, preferencesToken, language }));
    } catch (error) {
      // The same page for every bad link: it must not tell a forged token from a real one.
      if (error instanceof InvalidTokenError) return html(400, invalidLinkPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
