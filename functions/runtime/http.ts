import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { AuthenticationError, ConflictError, ForbiddenError, GoneError, InvalidTokenError, NotFoundError, TooLargeError, ValidationError } from '../domain/errors';
import { PreflightError } from '../domain/release/errors';
import type { Services } from './compose';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from './logger';
import { flushMetrics } from './metrics';
import { recordStaffAction, staffCaller, type StaffActor } from './staff-audit';
import { ForbiddenRoleError } from '../services/staff';

import { header } from './http-headers';

export { header };

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;
/** How a handler gets its services: the AWS wiring (`awsServices`) or the local runner's. */
export type ServicesProvider = () => Promise<Services>;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function json(statusCode: number, body: unknown): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

/** Whether a page is the same for everyone (archive, web version) or shows one reader's own data. */
export interface PageOptions {
  /**
   * `public` lets browsers and shared caches keep the page for five minutes (also the most an
   * embargo's end can be late in a cache); `private`, the default, keeps it out of every cache:
   * confirm, unsubscribe and preference pages show one reader's address and lists.
   */
  cache?: 'public' | 'private';
}

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  // Pages are self-contained: no scripts, no third-party resources.
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'self'; frame-ancestors 'none'",
  // frame-ancestors for browsers that predate it: no page of ours is ever framed (clickjacking).
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/**
 * An HTML answer with the headers every page carries; `httpHandler` adds Strict-Transport-Security
 * when served over https.
 *
 * @example
 * return html(200, await renderArchivePage(archive, brand), { cache: 'public' });
 */
export function html(statusCode: number, body: string, options: PageOptions = {}): HttpResult {
  const cache = options.cache === 'public' ? 'public, max-age=300' : 'no-store';
  return { statusCode, headers: { ...PAGE_HEADERS, 'cache-control': cache }, body };
}

/** A year, as commonly deployed; the public URL's host only (no includeSubDomains: the organisation's other hosts are not ours). */
const HSTS = 'max-age=31536000';

/**
 * Adds Strict-Transport-Security to an answer served over https: API Gateway says so in
 * `x-forwarded-proto`, and a configured https public URL means the same host is only meant over https.
 */
function withTransportSecurity(result: HttpResult, event: HttpEvent, publicUrl: string | undefined): HttpResult {
  const https = header(event, 'x-forwarded-proto')?.split(',')[0].trim().toLowerCase() === 'https' || publicUrl?.startsWith('https://');
  return https ? { ...result, headers: { ...result.headers, 'strict-transport-security': HSTS } } : result;
}

/** A short answer in plain text, for a browser that should see words rather than JSON. */
export function text(statusCode: number, body: string): HttpResult {
  return { statusCode, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS }, body };
}

/** The request body as text, whatever API Gateway did to it. */
export function bodyText(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** Parses a JSON body, turning a syntax error into a 400 that says so. */
export function jsonBody(event: HttpEvent): unknown {
  return parseJson(bodyText(event));
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError([{ field: '(body)', message: `malformed JSON: ${(error as Error).message}` }], 'Invalid request');
  }
}

/** The one place domain errors become HTTP answers. Unknown errors are logged and hidden. */
export function errorResponse(error: unknown): HttpResult {
  if (error instanceof ValidationError) {
    const more = error.unlistedIssues ? { moreIssues: error.unlistedIssues } : {};
    return json(400, { error: error.name, message: 'Invalid request', issues: error.issues, ...more });
  }
  if (error instanceof TooLargeError) return json(413, { error: 'TooLarge', message: error.message });
  if (error instanceof AuthenticationError) return json(401, { error: 'Unauthorized', message: error.message });
  if (error instanceof ForbiddenError) return json(403, { error: 'Forbidden', message: error.message });
  if (error instanceof NotFoundError) return json(404, { error: 'NotFound', message: error.message });
  if (error instanceof GoneError) return json(410, { error: 'Gone', message: error.message });
  if (error instanceof ConflictError) return json(409, { error: 'Conflict', message: error.message, ...error.details });
  if (error instanceof InvalidTokenError) return json(400, { error: 'InvalidToken', message: 'This link is not valid.' });
  if (error instanceof PreflightError) {
    return json(422, { error: error.name, message: 'The release has blocking problems; nothing was stored or sent.', findings: error.findings });
  }
  logger.error('Unhandled error', { error: error as Error });
  return json(500, { error: 'InternalError', message: 'Something went wrong; the error has been logged.' });
}

/**
 * Wraps an HTTP route: resolves the services, runs the route, and maps errors at the edge. Staff
 * routes get two things here, so that no handler can forget them: every `/admin` request is
 * authorised (the shared admin token, or a personal token with the route's role; 401/403
 * otherwise), and every state-changing `/admin` and `/console` request of a known member is
 * written to the audit log once answered (runtime/staff-audit.ts).
 *
 * @example
 * export const makeHandler = (getServices: ServicesProvider) =>
 *   httpHandler(getServices, async (event, app) => json(200, await app.lists.all()));
 */
export function httpHandler(
  getServices: ServicesProvider,
  route: (event: HttpEvent, app: Services, context: Context) => Promise<HttpResult>,
) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger))
    .handler(async (event, context) => {
      let app: Services | undefined;
      let caller: StaffActor | undefined;
      let result: HttpResult;
      try {
        app = await getServices();
        caller = await staffCaller(event, app);
        result = await route(event, app, context);
      } catch (error) {
        // A personal token refused for its role is still someone's attempt: the log names them.
        if (error instanceof ForbiddenRoleError) caller = error.actor;
        result = errorResponse(error);
      }
      try {
        if (app) await recordStaffAction(event, app, result, caller).catch((error) => logger.error('Audit entry not recorded', { error, routeKey: event.routeKey }));
        return withTransportSecurity(result, event, app?.brand.publicUrl);
      } finally {
        flushMetrics();
      }
    });
}

/** What a page behind a signed link does with its token: show (GET) and act (POST). */
export interface SignedLinkPage {
  show(token: string, app: Services, event: HttpEvent): Promise<HttpResult>;
  act(token: string, app: Services, event: HttpEvent): Promise<HttpResult>;
  /** The one page every bad link gets, whatever is wrong with it. */
  invalid(organisationName: string): string;
}

/**
 * Wraps a page behind a signed link (`/confirm`, `/unsubscribe`, `/preferences`). GET only shows:
 * mail scanners and link previewers fetch every link in an email and must not act on a reader's
 * behalf; POST (the page's buttons, a one-click request) acts. An invalid token gets the page's
 * `invalid` answer with 400, the same for forged, expired, cross-purpose and erased links, so that
 * it reveals nothing about which.
 */
export function signedLinkHandler(getServices: ServicesProvider, page: SignedLinkPage) {
  return httpHandler(getServices, async (event, app) => {
    const token = event.pathParameters?.token ?? '';
    try {
      return await (event.requestContext.http.method === 'POST' ? page.act(token, app, event) : page.show(token, app, event));
    } catch (error) {
      if (error instanceof InvalidTokenError) return html(400, page.invalid(app.brand.organisationName));
      throw error;
    }
  });
}

