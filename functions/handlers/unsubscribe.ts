import { readUnsubscribeToken, unsubscribe, unsubscribeAll } from '../domain/subscriber/unsubscribe';
import { InvalidTokenError } from '../domain/errors';
import { invalidLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '../adapters/http/preference-pages';
import { awsDeps } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, httpHandler, type DepsProvider } from '../runtime/http';

/**
 * GET /unsubscribe/{token} shows a confirmation page and changes nothing, because mail scanners
 * fetch links. POST (the page's buttons, or a mailbox provider's RFC 8058 one-click request with
 * body `List-Unsubscribe=One-Click`) unsubscribes and answers 200 with no redirect. Only the page's
 * second button sends `scope=all`, so one-click always leaves just the list the email came from.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    const organisationName = deps.config.brand.organisationName;
    const token = event.pathParameters?.token ?? '';
    const listName = (listId: string) => deps.sender.listNames.nameOf(listId);
    try {
      if (event.requestContext.http.method === 'POST') {
        if (formFields(event).get('scope') === 'all') {
          const { preferencesToken, language } = await unsubscribeAll(token, deps);
          return html(200, unsubscribedPage({ organisationName, preferencesToken, language }));
        }
        const { listId, preferencesToken, language } = await unsubscribe(token, deps);
        return html(200, unsubscribedPage({ organisationName, listName: await listName(listId), preferencesToken, language }));
      }
      const { listId, preferencesToken, language } = await readUnsubscribeToken(token, deps);
      return html(200, unsubscribeConfirmPage({ organisationName, token, listName: await listName(listId), preferencesToken, language }));
    } catch (error) {
      // The same page for every bad link: it must not tell a forged token from a real one.
      if (error instanceof InvalidTokenError) return html(400, invalidLinkPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(awsDeps);
