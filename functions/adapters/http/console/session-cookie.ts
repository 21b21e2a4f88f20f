/**
 * The console's session cookie by name, read from a request or from an answer that sets it. A leaf
 * module: the HTTP edge's audit (runtime/staff-audit.ts) reads it too.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export const SESSION_COOKIE = 'pressroom_console';

/** The session cookie's value, from payload 2.0's `cookies` (API Gateway moves the Cookie header there). */
export function sessionCookie(event: Pick<APIGatewayProxyEventV2, 'cookies' | 'headers'>): string | undefined {
  const cookieHeader = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === 'cookie')?.[1];
  return cookieValue(event.cookies ?? cookieHeader?.split(';') ?? []);
}

/** The session cookie an answer sets (`Set-Cookie` values), if any: how a sign-in names its new member. */
export function sessionCookieSet(cookies: readonly string[] | undefined): string | undefined {
  return cookieValue((cookies ?? []).map((cookie) => cookie.split(';')[0]));
}

function cookieValue(pairs: readonly string[]): string | undefined {
  for (const pair of pairs) {
    const [name, ...value] = pair.trim().split('=');
    if (name === SESSION_COOKIE) return value.join('=') || undefined;
  }
  return undefined;
}
