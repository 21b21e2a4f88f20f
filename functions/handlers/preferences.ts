import { parsePreferencesForm } from '../domain/subscriber/preferences';
import { invalidLinkPage, preferencesPage } from '../adapters/http/preference-pages';
import { awsServices } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, signedLinkHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /preferences/{token} shows the subscriber's lists and changes nothing (mail scanners fetch
 * links). POST applies the form (`lists` ticked, `action` save or unsubscribe-all) and answers the
 * same page with what changed, so no redirect is needed and the change is visible at once.
 */
export const makeHandler = (getServices: ServicesProvider) =>
  signedLinkHandler(getServices, {
    async show(token, app) {
      return html(200, preferencesPage({ organisationName: app.brand.organisationName, token, view: await app.subscribers.readPreferences(token) }));
    },
    async act(token, app, event) {
      const update = await app.subscribers.updatePreferences(token, parsePreferencesForm(formFields(event)));
      return html(200, preferencesPage({ organisationName: app.brand.organisationName, token, view: update.view, update }));
    },
    invalid: invalidLinkPage,
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
