import { ValidationError } from '../domain/errors';
import { RateLimitedError } from '../domain/subscriber/errors';
import { stringsFor } from '../adapters/strings/ui-strings';
import { isJsonRequest, requestFields } from '../adapters/http/form-body';
import { checkInboxPage, rateLimitedPage, refusedOriginPage, RETURN_FIELD, signupFormPage, TRAP_FIELD } from '../adapters/http/signup-pages';
import { awsServices } from '../runtime/aws';
import { header, html, httpHandler, json, type ServicesProvider, type HttpResult } from '../runtime/http';
import { logger } from '../runtime/logger';
import { count } from '../runtime/metrics';
import { MetricName } from '../runtime/metric-names';
import { subscribersService } from '../runtime/factories/subscribers';

const retryAfter = (result: HttpResult, seconds: number): HttpResult => ({ ...result, headers: { ...result.headers, 'retry-after': String(seconds) } });

/** To the embedding site's own thank-you page; 303 so that a reload does not post the form again. */
const seeOther = (location: string): HttpResult => ({ statusCode: 303, headers: { location, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }, body: '' });

/**
 * GET /subscribe shows the sign-up form (`?lang=es` for Spanish). POST /subscribe takes that form or
 * JSON `{ email, lists, language? }`, queues it, and answers the same for every address that passes
 * validation (202 JSON or the check-your-inbox page) after the same work, so neither the answer nor
 * its timing tells anyone who is subscribed; process-signup acts on it. A filled-in honeypot
 * (`website`, in the form or JSON) gets that same answer and nothing else. A browser post from a
 * page on another site is refused (403) unless that site is in PRESSROOM_SIGNUP_ORIGINS; a form
 * embedded there may name a thank-you page on it (`return_to`), which accepted sign-ups are
 * redirected to. `GET /subscribe?lists=blog,press` ticks those lists (the web version's link).
 */
export const makeHandler = (getServices: ServicesProvider) =>
  httpHandler(getServices, async (event, app) => {
    const { organisationName } = app.brand;
    const lists = await app.subscribers.publicLists();
    if (event.requestContext.http.method === 'GET') {
      const preselected = event.queryStringParameters?.lists?.split(',');
      return html(200, signupFormPage({ organisationName, lists, strings: stringsFor(event.queryStringParameters?.lang), values: { lists: preselected } }));
    }
    const asJson = isJsonRequest(event);
    const origin = header(event, 'origin');
    if (!app.subscribers.acceptsSignupFrom({ origin, fetchSite: header(event, 'sec-fetch-site') })) {
      const message = `Sign-ups are not accepted from pages on ${origin ?? 'another site'}: add the site's origin to PRESSROOM_SIGNUP_ORIGINS to embed the form there.`;
      return asJson ? json(403, { error: 'Forbidden', message }) : html(403, refusedOriginPage(organisationName, origin));
    }
    const fields = requestFields(event, ['lists']);
    const strings = stringsFor(typeof fields.language === 'string' ? fields.language : undefined);
    // Decided before the work, without it: an accepted and a trapped sign-up end the same way.
    const thankYou = asJson ? undefined : app.subscribers.thankYouUrl(fields[RETURN_FIELD]);
    try {
      const outcome = await app.subscribers.acceptSubscription({
        email: fields.email,
        lists: fields.lists,
        language: fields.language,
        clientIp: event.requestContext.http.sourceIp,
        trap: fields[TRAP_FIELD],
      });
      // No address in the log: it is most likely a stranger's.
      if (outcome === 'trapped') logger.info('Sign-up honeypot filled: nothing stored or sent', { json: asJson });
      else count(MetricName.SignupsAccepted);
    } catch (error) {
      if (error instanceof RateLimitedError) {
        const answer = asJson ? json(429, { error: 'RateLimited', message: error.message }) : html(429, rateLimitedPage(organisationName, strings));
        return retryAfter(answer, error.retryAfterSeconds);
      }
      // JSON callers get the shared `{ issues }` answer from errorResponse; people get their form back.
      if (error instanceof ValidationError && !asJson) {
        return html(400, signupFormPage({ organisationName, lists, strings, values: fields, errors: error.issues, returnTo: thankYou }));
      }
      throw error;
    }
    if (asJson) return json(202, { status: 'check-your-inbox' });
    return thankYou ? seeOther(thankYou) : html(200, checkInboxPage(organisationName, strings));
  });

export const handler = makeHandler(() => awsServices({ subscribers: subscribersService }));
