/**
 * The edge of the staff console: the session cookie, the HTML answer with its headers, and the
 * stylesheet. Pages come from pages.tsx.
 */
import type { HttpResult } from '../../../runtime/http';
import { SESSION_ABSOLUTE_MS, type StartedSession } from '../../../domain/staff/sign-in';
import { CONSOLE_CSS } from './console-css';
import { RELEASE_SCRIPT } from './release-script';

import { SESSION_COOKIE } from './session-cookie';

export { SESSION_COOKIE, sessionCookie } from './session-cookie';

/**
 * No script at all, and styles only from our stylesheet (no inline style either); forms post to
 * this origin only; never framed; no base-URL tricks.
 */
const CONSOLE_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/**
 * A page with live figures: the same, plus script from this origin only (a file, never inline) and
 * requests back to this origin (its stats answer).
 */
const LIVE_CONSOLE_CSP = `${CONSOLE_CSP}; script-src 'self'; connect-src 'self'`;

/**
 * A console page: never cached (it shows one member's view), never framed, strict CSP.
 *
 * @example
 * return consolePage(200, await renderPage(<SignInPage … />));
 */
export function consolePage(statusCode: number, body: string, cookies?: string[], options: { script?: boolean } = {}): HttpResult {
  return {
    statusCode,
    headers: {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': options.script ? LIVE_CONSOLE_CSP : CONSOLE_CSP,
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      // Not no-referrer: under it browsers send `Origin: null` with our own form posts, which the
      // Origin check must refuse. same-origin still sends nothing to other sites (the sign-in
      // link's page has its token in the URL).
      'referrer-policy': 'same-origin',
      'cache-control': 'no-store',
    },
    body,
    ...(cookies ? { cookies } : {}),
  };
}

/** A redirect after a POST (303: the browser follows with GET). */
export function seeOther(location: string, cookies?: string[]): HttpResult {
  return { statusCode: 303, headers: { location, 'cache-control': 'no-store' }, body: '', ...(cookies ? { cookies } : {}) };
}

/** The stylesheet, cacheable for an hour (it changes only with a deploy). */
export function consoleStylesheet(): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    body: CONSOLE_CSS,
  };
}

/** The release page's script (release-script.ts), cacheable like the stylesheet. */
export function releaseScript(): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    body: RELEASE_SCRIPT,
  };
}

/**
 * The session cookie: script cannot read it (HttpOnly), no other site's request carries it
 * (SameSite=Strict), only the console's paths get it, and over https only when the console is
 * served over https (a local http run must still work).
 */
export function setSessionCookie(started: StartedSession, publicUrl: string): string {
  // A session's whole life (it was started just now): the browser forgets the cookie when the
  // session ends at the latest, whatever this machine's clock says.
  const maxAge = Math.floor(SESSION_ABSOLUTE_MS / 1000);
  return `${SESSION_COOKIE}=${started.sessionToken}; Path=/console; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure(publicUrl)}`;
}

export function clearSessionCookie(publicUrl: string): string {
  return `${SESSION_COOKIE}=; Path=/console; HttpOnly; SameSite=Strict; Max-Age=0${secure(publicUrl)}`;
}

const secure = (publicUrl: string) => (publicUrl.startsWith('https://') ? '; Secure' : '');
