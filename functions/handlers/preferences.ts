import { parsePreferencesForm, readPreferences, updatePreferences } from '../domain/subscriber/preferences';
import { InvalidTokenError } from '../domain/errors';
import { invalidLinkPage, preferencesPage } from '../adapters/http/preference-pages';
import { awsDeps } from '../runtime/aws';
import { formFields } from '../adapters/http/form-body';
import { html, httpHandler, type DepsProvider } from '../runtime/http';

/**
 * GET /preferences/{token} shows the subscriber's lists and changes nothing (mail scanners fetch
 * links). POST applies the form (`lists` ticked, `action` save or unsubscribe-all) and answers the
 * same page with what changed, so no redirect is needed and the change is visible at once.
 */
export const makeHandler = (getDeps: DepsProvider) =>
  httpHandler(getDeps, async (event, deps) => {
    const organisationName = deps.config.brand.organisationName;
    const token = event.pathParameters?.token ?? '';
    try {
      if (event.requestContext.http.method === 'POST') {
        const update = await updatePreferences(token, parsePreferencesForm(formFields(event)), deps);
        return html(200, preferencesPage({ organisationName, token, view: update.view, update }));
      }
      return html(200, preferencesPage({ organisationName, token, view: await readPreferences(token, deps) }));
    } catch (error) {
      // Forged, cross-purpose and erased-subscriber links all get this one page: it reveals nothing.
      if (error instanceof InvalidTokenError) return html(400, invalidLinkPage(organisationName));
      throw error;
    }
  });

export const handler = makeHandler(awsDeps);
