/**
 * The HTTP edge's part in staff access: who is calling a staff route (checked before the route
 * runs) and the audit entry written after it answered. httpHandler (runtime/http.ts) calls both for
 * every route, so pages and API routes added in any function are authorised and audited alike.
 *
 * Recording happens after the answer is known and never changes it: a failed write is logged with
 * the entry at error level (services/audit.ts) rather than failing a change that was made.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Services } from './compose';
import type { AuditEntry } from '../domain/staff/ports';
import { auditEntry, isAuditedRoute } from '../domain/staff/audit';
import { sessionCookie, sessionCookieSet } from '../adapters/http/console/session-cookie';
import { header } from './http-headers';

export type StaffActor = Pick<AuditEntry, 'actor' | 'via' | 'tokenName'>;

const SIGN_IN = 'POST /console/sign-in/{token}';

/** What a handler adds to its request's target, for actions whose subject is in the body, not the path. */
const noted = new WeakMap<APIGatewayProxyEventV2, Record<string, string>>();

/**
 * Names the subject of an action that the path does not (the address a staff form adds, a new
 * token's name), for the audit entry the edge writes. Optional: the path parameters are always kept.
 *
 * @example
 * noteAuditTarget(event, { member: form.get('email') ?? '' });
 */
export function noteAuditTarget(event: APIGatewayProxyEventV2, target: Record<string, string>): void {
  noted.set(event, { ...noted.get(event), ...target });
}
const pathOf = (routeKey: string | undefined) => (routeKey ?? '').split(' ')[1] ?? '';

/**
 * Before the route: authorises an `/admin` request (throws AuthenticationError or ForbiddenError,
 * which the edge answers), and names the member behind a state-changing console request (the
 * console's own handler still checks the session, role and CSRF token itself).
 */
export async function staffCaller(event: APIGatewayProxyEventV2, app: Services): Promise<StaffActor | undefined> {
  if (pathOf(event.routeKey).startsWith('/admin/')) return (await app.staff.authorizeApi(header(event, 'authorization'), event.routeKey)).actor;
  if (!isAuditedRoute(event.routeKey) || event.routeKey === SIGN_IN) return undefined;
  return consoleActor(await app.staff.sessionHolder(sessionCookie(event)));
}

const consoleActor = (email: string | undefined): StaffActor | undefined => (email ? { actor: email, via: 'console' } : undefined);

/**
 * After the route: writes the entry of a state-changing staff request whose caller is known. A
 * sign-in is recorded only when it worked, naming the member its new session belongs to; requests
 * without a member (no or a dead session, a bad token) are not staff actions and are not recorded.
 */
export async function recordStaffAction(event: APIGatewayProxyEventV2, app: Services, result: APIGatewayProxyStructuredResultV2, caller: StaffActor | undefined): Promise<void> {
  if (!isAuditedRoute(event.routeKey)) return;
  const actor = event.routeKey === SIGN_IN ? consoleActor(await app.staff.sessionHolder(sessionCookieSet(result.cookies)).catch(() => undefined)) : caller;
  if (!actor) return;
  await app.audit.record(
    auditEntry({
      actor,
      routeKey: event.routeKey,
      pathParameters: { ...event.pathParameters, ...noted.get(event) },
      status: result.statusCode ?? 200,
      at: app.audit.now(),
      sourceIp: event.requestContext?.http?.sourceIp,
      userAgent: header(event, 'user-agent'),
    }),
  );
}
