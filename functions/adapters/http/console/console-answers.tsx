/** @jsxImportSource hono/jsx */
/**
 * The console's answers, one per route: each calls the service the handler names and renders a
 * page (pages.tsx) or redirects. Errors go up to console-errors.tsx.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ValidationError } from '../../../domain/errors';
import { parseReleaseQuery } from '../../../domain/delivery/release-overview';
import type { StaffSession, StartedSession } from '../../../domain/staff/sign-in';
import { clearSessionCookie, consolePage, seeOther, setSessionCookie } from './console-http';
import { renderPage } from './layout';
import { CheckInboxPage, ReleasesPage, SignInLinkPage, SignInPage } from './pages';

/**
 * The least time a sign-in request takes to answer. Only a staff address makes the request send
 * an email, which takes time a stranger could measure; answering no sooner than this hides it.
 */
export const SIGN_IN_ANSWER_MS = 1_000;

const page = async (status: number, node: Parameters<typeof renderPage>[0], cookies?: string[]) => consolePage(status, await renderPage(node), cookies);

/** `/console`: the releases once signed in, else the sign-in form. */
export function home(app: Services, session: StaffSession | undefined, event: HttpEvent): Promise<HttpResult> {
  if (session) return releases(app, session, event);
  return page(200, <SignInPage organisationName={app.brand.organisationName} />);
}

/** The same answer, no sooner than {@link SIGN_IN_ANSWER_MS}, whoever the address belongs to. */
export async function linkRequested(app: Services, email: string, clientIp: string): Promise<HttpResult> {
  const started = Date.now();
  try {
    await app.sessions.requestLink(email, clientIp);
  } catch (error) {
    // Not an address at all: say so (this reveals nothing about staff).
    if (error instanceof ValidationError) {
      return page(400, <SignInPage organisationName={app.brand.organisationName} email={email} error={error.issues[0].message} />);
    }
    throw error;
  }
  await new Promise((done) => setTimeout(done, Math.max(0, started + SIGN_IN_ANSWER_MS - Date.now())));
  return page(200, <CheckInboxPage organisationName={app.brand.organisationName} />);
}

/** The emailed link's page: only a button (its GET must never spend the link). */
export function linkPage(app: Services, token: string): Promise<HttpResult> {
  return page(200, <SignInLinkPage organisationName={app.brand.organisationName} token={token} />);
}

export function signedIn(app: Services, started: StartedSession): HttpResult {
  return seeOther('/console/releases', [setSessionCookie(started, app.brand.publicUrl)]);
}

export function signedOut(app: Services): HttpResult {
  return seeOther('/console', [clearSessionCookie(app.brand.publicUrl)]);
}

/** Releases newest first, filtered by `?status=&list=`, a page at a time (`?cursor=`, `?limit=`). */
export async function releases(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const params = event.queryStringParameters ?? {};
  const query = parseReleaseQuery({ status: params.status, list: params.list, cursor: params.cursor, limit: params.limit });
  const [overview, lists] = await Promise.all([app.delivery.overview(query), app.lists.catalogue()]);
  const filters = { status: query.status, list: query.listId };
  // The next page keeps the filters and the page size it was asked with.
  const kept = { ...(filters.status ? { status: filters.status } : {}), ...(filters.list ? { list: filters.list } : {}), ...(params.limit ? { limit: String(query.limit) } : {}) };
  const older = overview.next && `/console/releases?${new URLSearchParams({ ...kept, cursor: overview.next })}`;
  return page(
    200,
    <ReleasesPage
      organisationName={app.brand.organisationName}
      signedIn={session}
      page={overview}
      filters={filters}
      lists={lists.map((l) => ({ id: l.id, name: l.name }))}
      olderHref={older || undefined}
    />,
  );
}
