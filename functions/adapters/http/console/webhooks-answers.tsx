/** @jsxImportSource hono/jsx */
/**
 * The outgoing webhooks pages' answers (routes of the console-audience function, admins only): each
 * calls the webhooks service, the one the /admin/webhooks API calls, and renders webhooks-pages.tsx
 * or redirects back with a notice. The handler has checked the session, the role and the form post.
 * A form the service refuses (ValidationError) comes back as it was sent, each problem beside its field.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ValidationError, type FieldIssue } from '../../../domain/errors';
import type { StaffSession } from '../../../domain/staff/sign-in';
import type { WebhookEndpointView } from '../../../domain/webhooks/endpoint';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import { EndpointAddedPage, RemoveWebhookPage, WEBHOOK_NOTICES, WebhookPage, WebhooksPage, webhookPath, type EndpointForm, type WebhookNotice } from './webhooks-pages';

const page = async (status: number, node: Parameters<typeof renderPage>[0]) => consolePage(status, await renderPage(node));
const isNotice = (value: string | undefined): value is WebhookNotice => !!value && Object.hasOwn(WEBHOOK_NOTICES, value);
type Refused = { form: EndpointForm; issues: FieldIssue[] };

const emptyForm = (): EndpointForm => ({ url: '', description: '', all: true, events: [] });

const formOf = (endpoint: WebhookEndpointView): EndpointForm => ({
  url: endpoint.url,
  description: endpoint.description ?? '',
  all: endpoint.events === 'all',
  events: endpoint.events === 'all' ? [] : endpoint.events,
});

/**
 * The form as typed: "All events" ticked wins over the single events.
 *
 * @example
 * endpointFormFrom(new URLSearchParams('url=https://crm.example.org/hooks&events=release.sent')); // { all: false, events: ['release.sent'], … }
 */
export function endpointFormFrom(form: URLSearchParams): EndpointForm {
  return { url: form.get('url') ?? '', description: form.get('description') ?? '', all: form.get('allEvents') === 'all', events: form.getAll('events') };
}

/**
 * The body the webhooks service takes (the same as POST /admin/webhooks). No event ticked is passed
 * on as an empty list, for the service to name the field; an empty description is cleared.
 */
export const endpointBody = (form: EndpointForm): Record<string, unknown> => ({
  url: form.url.trim(),
  events: form.all ? 'all' : form.events,
  description: form.description.trim(),
});

/** `GET /console/webhooks`, and the same page with the add form refused. */
export async function webhooks(app: Services, session: StaffSession, event?: HttpEvent, refused?: Refused): Promise<HttpResult> {
  const endpoints = await app.webhooks.list();
  // The last attempt of each: one read per endpoint, and staff register a handful of endpoints.
  const rows = await Promise.all(endpoints.map(async (endpoint) => ({ endpoint, last: (await app.webhooks.deliveries(endpoint.id))[0] })));
  const done = event?.queryStringParameters?.done;
  return page(
    refused ? 400 : 200,
    <WebhooksPage
      organisationName={app.brand.organisationName}
      signedIn={session}
      endpoints={rows}
      form={refused?.form ?? emptyForm()}
      issues={refused?.issues}
      notice={isNotice(done) ? done : undefined}
    />,
  );
}

/**
 * `POST /console/webhooks`: answers the page with the new endpoint's secret, shown this once (not a
 * redirect, so the secret is in no URL and stored nowhere to be shown again).
 */
export async function add(app: Services, session: StaffSession, fields: URLSearchParams): Promise<HttpResult> {
  const form = endpointFormFrom(fields);
  try {
    const { secret, ...endpoint } = await app.webhooks.create(endpointBody(form));
    return page(201, <EndpointAddedPage organisationName={app.brand.organisationName} signedIn={session} endpoint={endpoint} secret={secret} />);
  } catch (error) {
    if (error instanceof ValidationError) return webhooks(app, session, undefined, { form, issues: error.issues });
    throw error;
  }
}

async function endpointView(app: Services, session: StaffSession, id: string, extra: { notice?: string; refused?: Refused }): Promise<HttpResult> {
  const endpoint = await app.webhooks.get(id);
  const deliveries = await app.webhooks.deliveries(id);
  return page(
    extra.refused ? 400 : 200,
    <WebhookPage
      organisationName={app.brand.organisationName}
      signedIn={session}
      endpoint={endpoint}
      deliveries={deliveries}
      form={extra.refused?.form ?? formOf(endpoint)}
      issues={extra.refused?.issues}
      notice={isNotice(extra.notice) ? extra.notice : undefined}
    />,
  );
}

/** `GET /console/webhooks/{endpointId}`, with the notice a POST redirected back with. @throws NotFoundError */
export function endpointPage(app: Services, session: StaffSession, id: string, event: HttpEvent): Promise<HttpResult> {
  return endpointView(app, session, id, { notice: event.queryStringParameters?.done });
}

/**
 * `POST /console/webhooks/{endpointId}`: `action=enable` (which also lifts a disabling by Pressroom),
 * `action=disable`, or `action=settings` (URL, description, events; a refused form comes back as sent).
 *
 * @throws NotFoundError
 */
export async function change(app: Services, session: StaffSession, id: string, fields: URLSearchParams): Promise<HttpResult> {
  const action = fields.get('action');
  if (action === 'enable' || action === 'disable') {
    await app.webhooks.update(id, { enabled: action === 'enable' });
    return seeOther(`${webhookPath(id)}?done=${action}d`);
  }
  const form = endpointFormFrom(fields);
  try {
    await app.webhooks.update(id, endpointBody(form));
  } catch (error) {
    if (error instanceof ValidationError) return endpointView(app, session, id, { refused: { form, issues: error.issues } });
    throw error;
  }
  return seeOther(`${webhookPath(id)}?done=saved`);
}

/** `GET …/remove`: the confirmation step. @throws NotFoundError */
export async function confirmRemoval(app: Services, session: StaffSession, id: string): Promise<HttpResult> {
  const endpoint = await app.webhooks.get(id);
  return page(200, <RemoveWebhookPage organisationName={app.brand.organisationName} signedIn={session} endpoint={endpoint} />);
}

/**
 * `POST …/remove`: only from the confirmation page (its `confirm=remove`); a post without it is sent
 * to the confirmation step and removes nothing.
 */
export async function remove(app: Services, id: string, confirmed: boolean): Promise<HttpResult> {
  if (!confirmed) return seeOther(`${webhookPath(id)}/remove`);
  await app.webhooks.remove(id);
  return seeOther('/console/webhooks?done=removed');
}
