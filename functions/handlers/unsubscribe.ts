import { invalidLinkPage, unsubscribeConfirmPage, unsubscribedPage } from '../adapters/http/preference-pages';
import { awsServices } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, signedLinkHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /unsubscribe/{token} shows a confirmation page and changes nothing, because mail scanners
 * fetch links. POST (the page's buttons, or a mailbox provider's RFC 8058 one-click request with
 * body `List-Unsubscribe=One-Click`) unsubscribes and answers 200 with no redirect. One-click and the
 * page's first button leave the lists that brought the email; only the second sends `scope=all`.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  signedLinkHandler(getServices, {
    async show(token, app) {
      const { listNames, preferencesToken, language } = await app.subscribers.readUnsubscribe(token);
      return html(200, unsubscribeConfirmPage({ organisationName: app.brand.organisationName, token, listNames, preferencesToken, language }));
    },
    async act(token, app, event) {
      const { organisationName } = app.brand;
      if (formFields(event).get('scope') === 'all') {
        const { preferencesToken, language } = await app.subscribers.unsubscribeAll(token);
        return html(200, unsubscribedPage({ organisationName, preferencesToken, language }));
      }
      const { listNames, preferencesToken, language } = await app.subscribers.unsubscribe(token);
      return html(200, unsubscribedPage({ organisationName, listNames, preferencesToken, language }));
    },
    invalid: invalidLinkPage,
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
