import { readUnsubscribeToken, unsubscribe } from '../domain/subscriber/unsubscribe';
import { InvalidTokenError } from '../domain/errors';
import { escapeHtml, page } from '../adapters/http/pages';
import { awsDeps } from '../runtime/aws';
import { errorResponse, html, httpHandler, type DepsProvider } from '../runtime/http';

/**
 * GET /unsubscribe/{token} shows a confirmation page and changes nothing, because mail scanners
 * fetch links. POST (the page's button, or a mailbox provider's RFC 8058 one-click request with
 * body `List-Unsubscribe=One-Click`) unsubscribes and answers 200 with no redirect.
 */
export const makeHandler = (getDeps: DepsProvider) => {
  let organisationName = 'Pressroom';
  return httpHandler(
    getDeps,
    async (event, deps) => {
      organisationName = deps.config.brand.organisationName;
      const token = event.pathParameters?.token ?? '';
      const listName = (listId: string) => escapeHtml(deps.config.lists.get(listId) ?? listId);
      if (event.requestContext.http.method === 'POST') {
        const { listId } = await unsubscribe(token, deps);
        return html(200, page({
          title: 'You are unsubscribed',
          organisationName,
          body: `<p>You will no longer receive <strong>${listName(listId)}</strong> emails from us.</p>`,
        }));
      }
      const { listId } = readUnsubscribeToken(token, deps);
      return html(200, page({
        title: 'Unsubscribe?',
        organisationName,
        body: `<p>Stop receiving <strong>${listName(listId)}</strong> emails?</p>
<form method="post" action="${escapeHtml(encodeURIComponent(token))}">
  <button type="submit">Unsubscribe</button>
</form>`,
      }));
    },
    (error) =>
      // The same page for every bad link: it must not tell a forged token from a real one.
      error instanceof InvalidTokenError
        ? html(400, page({
            title: 'This link is not valid',
            organisationName,
            body: '<p>The link may be incomplete or mistyped. Please use the unsubscribe link from one of our emails.</p>',
          }))
        : errorResponse(error),
  );
};

export const handler = makeHandler(awsDeps);
