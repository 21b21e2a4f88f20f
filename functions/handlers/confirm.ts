import { stringsFor } from '../adapters/strings/ui-strings';
import { confirmedPage, confirmPage, invalidConfirmationPage } from '../adapters/http/signup-pages';
import { awsServices } from '../runtime/aws';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { html, signedLinkHandler, type ServicesProvider } from '../runtime/http';
import { subscribersService } from '../runtime/factories/subscribers';

/**
 * GET /confirm/{token} only shows the lists and a button, and changes nothing: mail scanners and
 * link previewers fetch every link in an email, and must not confirm a sign-up on someone's behalf.
 * POST /confirm/{token} (the button) confirms the lists and answers "You are subscribed".
 */
export const makeHandler = (getServices: ServicesProvider) =>
  signedLinkHandler(getServices, {
    async show(token, app) {
      const view = await app.subscribers.readConfirmation(token);
      return html(200, confirmPage(app.brand.organisationName, stringsFor(view.language), view.lists.map((l) => l.name), token));
    },
    async act(token, app) {
      const confirmed = await app.subscribers.confirm(token);
      count(MetricName.SubscriptionsConfirmed);
      const lists = confirmed.lists.map((l) => l.name);
      return html(200, confirmedPage(app.brand.organisationName, stringsFor(confirmed.language), lists, app.subscribers.siteUrl()));
    },
    invalid: invalidConfirmationPage,
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
