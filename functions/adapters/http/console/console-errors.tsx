/** @jsxImportSource hono/jsx */
import { AuthenticationError, ForbiddenError, InvalidTokenError, NotFoundError, ValidationError } from '../../../domain/errors';
import type { HttpResult } from '../../../runtime/http';
import { RateLimitedError } from '../../../domain/subscriber/errors';
import { clearSessionCookie, consolePage } from './console-http';
import { renderPage } from './layout';
import { RefusalPage } from './pages';

/**
 * The console's refusals as pages, the one place its errors become answers (anything else goes
 * on to the JSON 500 of runtime/http.ts, which logs it). Each says what to do and nothing about
 * who is staff or why a link failed.
 *
 * @example
 * try { … } catch (error) { return (await consoleRefusal(error, brand)) ?? Promise.reject(error); }
 */
export async function consoleRefusal(error: unknown, brand: { organisationName: string; publicUrl: string }): Promise<HttpResult | undefined> {
  const page = (status: number, title: string, message: string, cookies?: string[]) =>
    renderPage(<RefusalPage organisationName={brand.organisationName} title={title} message={message} />).then((html) => consolePage(status, html, cookies));
  if (error instanceof InvalidTokenError) {
    return page(400, 'This sign-in link cannot be used', 'Sign-in links work once, for 15 minutes. Ask for a new one on the sign-in page.');
  }
  if (error instanceof AuthenticationError) {
    // The cookie names no live session: drop it, so the browser stops sending it.
    return page(401, 'Please sign in', 'Your session has ended or you are not signed in.', [clearSessionCookie(brand.publicUrl)]);
  }
  if (error instanceof ForbiddenError) return page(403, 'Not allowed', `${error.message}.`.replace(/\.\.$/, '.'));
  if (error instanceof RateLimitedError) {
    const limited = await page(429, 'Too many sign-in requests', 'We received many sign-in requests from your network. Please try again in an hour.');
    return { ...limited, headers: { ...limited.headers, 'retry-after': String(error.retryAfterSeconds) } };
  }
  if (error instanceof NotFoundError) return page(404, 'Not found', 'It may have been published or removed. The releases and drafts pages list what there is.');
  if (error instanceof ValidationError) return page(400, 'Check the address', error.issues.map((i) => `${i.field}: ${i.message}`).join('; '));
  return undefined;
}
