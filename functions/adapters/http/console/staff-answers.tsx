/** @jsxImportSource hono/jsx */
/**
 * The console's staff, tokens and audit answers: each calls the team or audit service and renders
 * a page (staff-pages.tsx) or redirects. The handler has checked the session, role and CSRF token.
 * A form the domain refuses (a bad address, the last admin) comes back with the reason.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../domain/errors';
import type { StaffSession } from '../../../domain/staff/sign-in';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import { AuditPage, RemoveMemberPage, RevokeTokenPage, StaffPage, TokensPage } from './staff-pages';

const page = async (status: number, node: Parameters<typeof renderPage>[0]) => consolePage(status, await renderPage(node));

/** The status and sentence of a form the domain refused, or undefined for anything else. */
function refusedForm(error: unknown): { status: number; message: string } | undefined {
  if (error instanceof ValidationError) return { status: 400, message: error.issues.map((i) => i.message).join(' ') };
  if (error instanceof ConflictError) return { status: 409, message: `${error.message}.` };
  if (error instanceof NotFoundError) return { status: 404, message: `${error.message}.` };
  if (error instanceof ForbiddenError) return { status: 403, message: `${error.message}.` };
  return undefined;
}

/** Runs a staff change, then back to the staff page; a refused change shows it again with the reason. */
async function onStaffPage(app: Services, session: StaffSession, change: () => Promise<unknown>): Promise<HttpResult> {
  try {
    await change();
    return seeOther('/console/staff');
  } catch (error) {
    const refused = refusedForm(error);
    if (!refused) throw error;
    return staff(app, session, refused);
  }
}

/** Staff and their roles, with the forms to change them. */
export async function staff(app: Services, session: StaffSession, refused?: { status: number; message: string }): Promise<HttpResult> {
  const members = await app.team.members();
  return page(refused?.status ?? 200, <StaffPage organisationName={app.brand.organisationName} signedIn={session} members={members} error={refused?.message} />);
}

export const addMember = (app: Services, session: StaffSession, form: URLSearchParams) =>
  onStaffPage(app, session, () => app.team.add(form.get('email') ?? '', form.get('role') ?? ''));

export const changeRole = (app: Services, session: StaffSession, email: string, form: URLSearchParams) =>
  onStaffPage(app, session, () => app.team.changeRole(email, form.get('role') ?? ''));

export const removeMember = (app: Services, session: StaffSession, email: string) => onStaffPage(app, session, () => app.team.remove(email));

/** The confirmation step; 404 for an address that is not staff. */
export async function confirmRemoval(app: Services, session: StaffSession, email: string): Promise<HttpResult> {
  const member = (await app.team.members()).find((m) => m.email === email.trim().toLowerCase());
  if (!member) throw new NotFoundError('No such member');
  return page(200, <RemoveMemberPage organisationName={app.brand.organisationName} signedIn={session} email={member.email} />);
}

/** The member's own tokens; after a creation, the new token (its only showing). */
export async function tokens(app: Services, session: StaffSession, shown?: { status: number; created?: { name: string; token: string }; error?: string }): Promise<HttpResult> {
  const own = await app.team.tokens(session);
  return page(
    shown?.status ?? 200,
    <TokensPage organisationName={app.brand.organisationName} signedIn={session} tokens={own} created={shown?.created} error={shown?.error} />,
  );
}

/**
 * Creates a token and answers the page that shows it, once: not a redirect, since the secret must
 * not travel in a URL or be stored anywhere to show it again.
 */
export async function createToken(app: Services, session: StaffSession, form: URLSearchParams): Promise<HttpResult> {
  try {
    const { token, stored } = await app.team.createToken(session, form.get('name') ?? '', form.get('role') ?? '');
    return tokens(app, session, { status: 201, created: { name: stored.name, token } });
  } catch (error) {
    const refused = refusedForm(error);
    if (!refused) throw error;
    return tokens(app, session, { status: refused.status, error: refused.message });
  }
}

/** The confirmation step; 404 for a token that is not the member's. */
export async function confirmRevocation(app: Services, session: StaffSession, id: string): Promise<HttpResult> {
  const token = (await app.team.tokens(session)).find((t) => t.id === id);
  if (!token) throw new NotFoundError('No such token');
  return page(200, <RevokeTokenPage organisationName={app.brand.organisationName} signedIn={session} token={token} />);
}

export async function revokeToken(app: Services, session: StaffSession, id: string): Promise<HttpResult> {
  await app.team.revokeToken(session, id);
  return seeOther('/console/tokens');
}

/** The audit log newest first, `?actor=` filtering, `?cursor=` paging. */
export async function audit(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const params = event.queryStringParameters ?? {};
  const actor = params.actor?.trim() || undefined;
  const found = await app.audit.page({ actor, cursor: params.cursor, limit: params.limit });
  const older = found.next && `/console/audit?${new URLSearchParams({ ...(actor ? { actor } : {}), ...(params.limit ? { limit: params.limit } : {}), cursor: found.next })}`;
  return page(200, <AuditPage organisationName={app.brand.organisationName} signedIn={session} entries={found.entries} actor={actor} olderHref={older || undefined} />);
}
