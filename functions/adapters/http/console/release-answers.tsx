/** @jsxImportSource hono/jsx */
/**
 * The release page's answers, one per route of the console-release function: each calls the
 * service the /admin API calls for the same thing and renders a page (release-page.tsx), answers
 * the figures as JSON, or redirects back with a notice. Errors go up to console-errors.tsx.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import { json } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ValidationError } from '../../../domain/errors';
import type { StaffSession } from '../../../domain/staff/sign-in';
import { requireStaffRecipient } from '../../../domain/staff/test-recipient';
import { hasRole, StaffRole } from '../../../domain/staff/staff-member';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import { CancelSendPage, NOTICES, ReleasePage, type Notice, type ReleasePageProps } from './release-page';
import { sendFigures } from './send-figures';

const pageOf = (releaseId: string) => `/console/releases/${encodeURIComponent(releaseId)}`;
const isNotice = (value: string | undefined): value is Notice => !!value && Object.hasOwn(NOTICES, value);

type Extra = Pick<ReleasePageProps, 'notice' | 'testSend'> & { query?: Record<string, string | undefined> };

async function render(app: Services, session: StaffSession, releaseId: string, { query = {}, ...extra }: Extra, status = 200): Promise<HttpResult> {
  const release = await app.releases.status(releaseId);
  const list = query.list && release.lists.includes(query.list) ? query.list : undefined;
  const email = query.email?.trim() || undefined;
  // Subscribers' addresses are for editors and admins: a contributor prepares releases, not lists.
  const [engagement, recipients] = await Promise.all([
    app.delivery.engagement(releaseId),
    hasRole(session.role, StaffRole.Editor) ? app.delivery.recipients(releaseId, { listId: list, cursor: query.cursor, email }) : undefined,
  ]);
  const html = await renderPage(
    <ReleasePage
      organisationName={app.brand.organisationName}
      signedIn={session}
      release={release}
      figures={sendFigures(release.send, { deliveriesReported: app.delivery.reportsDeliveries })}
      engagement={engagement}
      recipients={recipients}
      recipientEmail={email}
      {...extra}
    />,
  );
  return consolePage(status, html, undefined, { script: true });
}

/** `GET /console/releases/{id}`, with the notice a POST redirected back with (`?done=`). */
export function releasePage(app: Services, session: StaffSession, releaseId: string, event: HttpEvent): Promise<HttpResult> {
  const query = event.queryStringParameters ?? {};
  return render(app, session, releaseId, { query, ...(isNotice(query.done) ? { notice: query.done } : {}) });
}

/** `GET /console/releases/{id}/stats`: the send's figures for the page's script. */
export async function stats(app: Services, releaseId: string): Promise<HttpResult> {
  return json(200, sendFigures(await app.delivery.progress(releaseId), { deliveriesReported: app.delivery.reportsDeliveries }));
}

/** Pause or resume, then back to the page. */
export async function moveSend(app: Services, session: StaffSession, releaseId: string, command: 'pause' | 'resume'): Promise<HttpResult> {
  // The reason staff see with the paused status says who paused it.
  if (command === 'pause') await app.delivery.pause(releaseId, `paused by ${session.email}`);
  else await app.delivery.resume(releaseId);
  return seeOther(`${pageOf(releaseId)}?done=${command === 'pause' ? 'paused' : 'resumed'}`);
}

/** `GET …/cancel`: the confirmation step. */
export async function cancelPage(app: Services, session: StaffSession, releaseId: string): Promise<HttpResult> {
  const release = await app.releases.status(releaseId);
  const html = await renderPage(<CancelSendPage organisationName={app.brand.organisationName} signedIn={session} release={release} figures={sendFigures(release.send, { deliveriesReported: app.delivery.reportsDeliveries })} />);
  return consolePage(200, html);
}

/**
 * `POST …/cancel`: only from the confirmation page (its `confirm=cancel`); a post without it, from
 * an old page or a tool, is sent to the confirmation step and cancels nothing.
 */
export async function cancel(app: Services, releaseId: string, confirmed: boolean): Promise<HttpResult> {
  if (!confirmed) return seeOther(`${pageOf(releaseId)}/cancel`);
  await app.delivery.cancel(releaseId);
  return seeOther(`${pageOf(releaseId)}?done=cancelled`);
}

/** A failed post goes back to be posted (app.social.retry). */
export async function retryPost(app: Services, releaseId: string, channel: string): Promise<HttpResult> {
  await app.social.retry(releaseId, channel);
  return seeOther(`${pageOf(releaseId)}?done=retried`);
}

/** A test send to one staff address; a bad address gets the page back with the form's error. */
export async function testSend(app: Services, session: StaffSession, releaseId: string, address: string): Promise<HttpResult> {
  try {
    const to = requireStaffRecipient(address, await app.team.members());
    await app.delivery.sendTest(releaseId, [to]);
  } catch (error) {
    if (error instanceof ValidationError) return render(app, session, releaseId, { testSend: { address, error: error.issues[0].message } }, 400);
    throw error;
  }
  return seeOther(`${pageOf(releaseId)}?done=test-sent`);
}
