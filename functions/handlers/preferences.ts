import { parsePreferencesForm } from '../domain/subscriber/preferences';
import { InvalidTokenError } from '../domain/errors';
import { invalidLinkPage, preferencesPage } from '../adapters/http/preference-pages';
import { awsServices } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, httpHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /preferences/{token} shows the subscriber's lists and changes nothing (mail scanners fetch
 * links). POST applies the form (`lists` ticked, `action` save or unsubscribe-all) and answers the
 * same page with what changed, so no redirect is needed and the change is visible at once.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { organisationName } = app.brand;
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.requestContext.http.method === 'POST') {
        const update = await app.subscribers.updatePreferences(token, parsePreferencesForm(formFields(event)));
        return html(200, preferencesPage({ organisationName, token, view: update.view, update }));
      }
      return html(200, preferencesPage({ organisationName, token, view: await app.subscribers.readPreferences(token) }));
    } catch (error) {
      // Forged, cross-purpose and erased-subscriber links all get this one page: it reveals nothing.
      if (error instanceof InvalidTokenError) return html(400, invalidLinkPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
