/** @jsxImportSource hono/jsx */
/**
 * The outgoing webhooks pages (webhooks-answers.tsx renders them; admins only): the endpoints with
 * the form to add one, the page that shows a new endpoint's secret once, an endpoint's page
 * (settings, enable or disable, its delivery log) and the removal's confirmation step.
 */
import { Layout, type SignedIn } from './layout';
import { Csrf, FieldProblem, Notice, Problems } from './form-parts';
import type { FieldIssue } from '../../../domain/errors';
import type { DeliveryAttempt, WebhookEndpointView } from '../../../domain/webhooks/endpoint';
import { WEBHOOK_EVENT_TYPES } from '../../../domain/webhooks/event';

interface Page {
  organisationName: string;
  signedIn: SignedIn;
}

/** The add or settings form as typed: strings, so that a refused form comes back as it was sent. */
export interface EndpointForm {
  url: string;
  description: string;
  /** Whether "All events" is ticked (then `events` is ignored). */
  all: boolean;
  events: string[];
}

/** What the last action did, from the redirect's `?done=`. */
export const WEBHOOK_NOTICES = {
  saved: 'The settings are saved.',
  enabled: 'The endpoint is enabled: events from now on are delivered to it (none from while it was disabled).',
  disabled: 'The endpoint is disabled: no events are delivered to it until it is enabled again.',
  removed: 'The endpoint is removed, with its delivery log.',
} as const;
export type WebhookNotice = keyof typeof WEBHOOK_NOTICES;

/** What each event means, for the checkboxes. */
const EVENT_WORDS: Record<string, string> = {
  'subscriber.confirmed': 'a reader confirmed a sign-up',
  'subscriber.unsubscribed': 'a reader left',
  'subscriber.suppressed': 'an address bounced or complained and is no longer mailed',
  'release.sent': "a release's email send finished",
  'post.published': 'a social post was published',
  'post.failed': 'a social post failed',
};

const OUTCOME_WORDS: Record<DeliveryAttempt['outcome'], string> = {
  delivered: 'delivered',
  retrying: 'failed, will retry',
  'gave-up': 'failed, gave up',
  disabled: 'failed, endpoint disabled',
};

const dateTime = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;
export const webhookPath = (id: string) => `/console/webhooks/${encodeURIComponent(id)}`;
const eventsInWords = (events: WebhookEndpointView['events']) => (events === 'all' ? 'all' : events.join(', '));


/** Enabled, or disabled by staff, or disabled by Pressroom (with when and why): in words, not colour only. */
function State({ endpoint }: { endpoint: WebhookEndpointView }) {
  if (endpoint.disabledAt) {
    return (
      <>
        <span class="status status-failed">disabled by Pressroom</span> <span class="muted">since {dateTime(endpoint.disabledAt)}</span>
        {endpoint.disabledReason && <span class="error"> {endpoint.disabledReason}</span>}
      </>
    );
  }
  if (!endpoint.enabled) return <span class="status status-paused">disabled</span>;
  return (
    <>
      <span class="status status-sent">enabled</span>
      {endpoint.failingSince && <span class="muted"> failing since {dateTime(endpoint.failingSince)}</span>}
    </>
  );
}

function AttemptResult({ attempt }: { attempt: DeliveryAttempt }) {
  return (
    <>
      <span class={`status status-${attempt.outcome === 'delivered' ? 'sent' : attempt.outcome === 'retrying' ? 'paused' : 'failed'}`}>{OUTCOME_WORDS[attempt.outcome]}</span>{' '}
      {attempt.status !== undefined ? `HTTP ${attempt.status}` : ''}
      {attempt.error && attempt.status === undefined && <span class="error"> {attempt.error}</span>}
    </>
  );
}

/** URL, description and events: the add form's fields and the settings form's. Ids start with `prefix`. */
function EndpointFields({ prefix, form, issues = [] }: { prefix: string; form: EndpointForm; issues?: FieldIssue[] }) {
  const about = (field: string) => issues.filter((i) => i.field === field);
  const errorId = (field: string) => (about(field).length ? `${prefix}-${field}-error` : undefined);
  const Text = ({ field, label, hint, type }: { field: 'url' | 'description'; label: string; hint: string; type: string }) => {
    const error = errorId(field);
    return (
      <div class="field">
        <label for={`${prefix}-${field}`}>{label}</label>
        <p id={`${prefix}-${field}-hint`} class="hint">
          {hint}
        </p>
        {error && <FieldProblem id={error} issues={about(field)} />}
        <input
          id={`${prefix}-${field}`}
          name={field}
          type={type}
          value={form[field]}
          aria-describedby={[`${prefix}-${field}-hint`, error].filter(Boolean).join(' ')}
          aria-invalid={error ? 'true' : undefined}
          {...(field === 'description' ? { maxlength: 200 } : { required: true })}
        />
      </div>
    );
  };
  const eventsError = errorId('events');
  return (
    <>
      <Text field="url" label="URL" type="url" hint="Where Pressroom POSTs each event: https (plain http only to this machine, for local receivers)." />
      <Text field="description" label="Description (optional)" type="text" hint="What receives it, for staff: “CRM”, “Slack bot”…" />
      <fieldset aria-describedby={[`${prefix}-events-hint`, eventsError].filter(Boolean).join(' ')}>
        <legend>Events</legend>
        <p id={`${prefix}-events-hint`} class="hint">
          “All events” includes events added to Pressroom later; otherwise tick at least one.
        </p>
        {eventsError && <FieldProblem id={eventsError} issues={about('events')} />}
        <div class="check">
          <input id={`${prefix}-events-all`} type="checkbox" name="allEvents" value="all" checked={form.all} />
          <label for={`${prefix}-events-all`}>All events</label>
        </div>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <div class="check">
            <input id={`${prefix}-event-${type}`} type="checkbox" name="events" value={type} checked={!form.all && form.events.includes(type)} />
            <label for={`${prefix}-event-${type}`}>
              <code>{type}</code>: {EVENT_WORDS[type] ?? type}
            </label>
          </div>
        ))}
      </fieldset>
    </>
  );
}

export interface WebhooksPageProps extends Page {
  endpoints: { endpoint: WebhookEndpointView; last?: DeliveryAttempt }[];
  /** The add form as sent, when it was refused (or the empty form). */
  form: EndpointForm;
  issues?: FieldIssue[];
  notice?: WebhookNotice;
}

/** Every endpoint, and the form to add one. */
export function WebhooksPage({ organisationName, signedIn, endpoints, form, issues, notice }: WebhooksPageProps) {
  return (
    <Layout title="Webhooks" organisationName={organisationName} signedIn={signedIn}>
      <h1>Webhooks</h1>
      <p class="muted">
        Events for other systems (a CRM, a chat bot…): Pressroom POSTs each event to the endpoints that want it, signed per Standard Webhooks, retrying
        for a day; an endpoint failing for a day is disabled.
      </p>
      {notice && <Notice>{WEBHOOK_NOTICES[notice]}</Notice>}
      {endpoints.length === 0 ? (
        <p>No endpoints yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Endpoint</th>
                <th scope="col">Events</th>
                <th scope="col">State</th>
                <th scope="col">Last attempt</th>
              </tr>
            </thead>
            <tbody>
              {endpoints.map(({ endpoint, last }) => (
                <tr>
                  <td data-label="Endpoint" class="wrap">
                    <a href={webhookPath(endpoint.id)}>{endpoint.url}</a>
                    {endpoint.description && <span class="ua muted">{endpoint.description}</span>}
                  </td>
                  <td data-label="Events" class="wrap">
                    {eventsInWords(endpoint.events)}
                  </td>
                  <td data-label="State">
                    <State endpoint={endpoint} />
                  </td>
                  <td data-label="Last attempt">
                    {last ? (
                      <>
                        {dateTime(last.at)} <AttemptResult attempt={last} />
                      </>
                    ) : (
                      'none yet'
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <section aria-labelledby="add-heading">
        <h2 id="add-heading">Add an endpoint</h2>
        <Problems issues={issues} />
        <form method="post" action="/console/webhooks">
          <Csrf signedIn={signedIn} />
          <EndpointFields prefix="new" form={form} issues={issues} />
          <button type="submit">Add endpoint</button>
        </form>
      </section>
    </Layout>
  );
}

/**
 * A new endpoint's secret, with how to verify deliveries. Shown only here, this once: the answer to
 * the POST, never a redirect, so the secret is in no URL and nothing can show it again.
 */
export function EndpointAddedPage({ organisationName, signedIn, endpoint, secret }: Page & { endpoint: WebhookEndpointView; secret: string }) {
  return (
    <Layout title="Webhook endpoint added" organisationName={organisationName} signedIn={signedIn}>
      <p class="crumbs">
        <a href="/console/webhooks">Webhooks</a>
      </p>
      <h1>Endpoint added</h1>
      <p>
        Events ({eventsInWords(endpoint.events)}) are now POSTed to <code>{endpoint.url}</code>.
      </p>
      <section class="notice" aria-labelledby="secret-heading">
        <h2 id="secret-heading">Copy the signing secret now</h2>
        <p>It is shown only this once and cannot be recovered; to get another, remove the endpoint and add it again.</p>
        <div class="field">
          <label for="webhook-secret">Signing secret</label>
          <input id="webhook-secret" type="text" readonly value={secret} class="token" />
        </div>
      </section>
      <h2>How the receiver verifies a delivery</h2>
      <ol>
        <li>
          Each POST carries the headers <code>webhook-id</code>, <code>webhook-timestamp</code> and <code>webhook-signature</code> (
          <a href="https://www.standardwebhooks.com/">Standard Webhooks</a>).
        </li>
        <li>
          With a Standard Webhooks library, for example the <code>standardwebhooks</code> npm package: <code>new Webhook(secret).verify(body, headers)</code>,
          on the raw body.
        </li>
        <li>
          By hand: HMAC-SHA256, keyed with the base64-decoded part of the secret after <code>whsec_</code>, over <code>id.timestamp.body</code>; compare it
          (base64) with each <code>v1,</code> signature, and refuse a timestamp more than 5 minutes old.
        </li>
        <li>
          Answer 2xx quickly. A retry of the same event carries the same <code>webhook-id</code>: drop one you already handled.
        </li>
      </ol>
      <p>
        <a href={webhookPath(endpoint.id)}>Go to the endpoint's page</a>
      </p>
    </Layout>
  );
}

export interface WebhookPageProps extends Page {
  endpoint: WebhookEndpointView;
  deliveries: DeliveryAttempt[];
  /** The settings form as sent, when it was refused (else the endpoint's settings). */
  form: EndpointForm;
  issues?: FieldIssue[];
  notice?: WebhookNotice;
}

/** One endpoint: its state, enable or disable, its delivery log, its settings, and remove. */
export function WebhookPage({ organisationName, signedIn, endpoint, deliveries, form, issues, notice }: WebhookPageProps) {
  const off = !endpoint.enabled || !!endpoint.disabledAt;
  return (
    <Layout title={`Webhook ${endpoint.url}`} organisationName={organisationName} signedIn={signedIn}>
      <p class="crumbs">
        <a href="/console/webhooks">Webhooks</a>
      </p>
      <h1 class="wrap">{endpoint.url}</h1>
      {notice && <Notice>{WEBHOOK_NOTICES[notice]}</Notice>}
      <dl class="facts">
        {endpoint.description && (
          <>
            <dt>Description</dt>
            <dd>{endpoint.description}</dd>
          </>
        )}
        <dt>Events</dt>
        <dd>{eventsInWords(endpoint.events)}</dd>
        <dt>State</dt>
        <dd>
          <State endpoint={endpoint} />
        </dd>
        <dt>Secret</dt>
        <dd>shown once, when the endpoint was added</dd>
        <dt>Added</dt>
        <dd>{dateTime(endpoint.createdAt)}</dd>
      </dl>
      <form method="post" action={webhookPath(endpoint.id)} class="inline">
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="action" value={off ? 'enable' : 'disable'} />
        <button type="submit" class={off ? undefined : 'secondary'}>
          {off ? (endpoint.disabledAt ? 'Enable again' : 'Enable') : 'Disable'}
        </button>
      </form>
      <section aria-labelledby="log-heading">
        <h2 id="log-heading">Delivery log</h2>
        {deliveries.length === 0 ? (
          <p>No deliveries yet.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="muted">{deliveries.length === 1 ? 'The one attempt so far.' : `The last ${deliveries.length} attempts, newest first.`}</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Event</th>
                  <th scope="col">Attempt</th>
                  <th scope="col">Result</th>
                  <th scope="col">Duration</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.map((attempt) => (
                  <tr>
                    <td data-label="When">{dateTime(attempt.at)}</td>
                    <td data-label="Event">
                      <code>{attempt.eventType}</code>
                    </td>
                    <td data-label="Attempt">{attempt.attempt}</td>
                    <td data-label="Result" class="wrap">
                      <AttemptResult attempt={attempt} />
                      {attempt.error && attempt.status !== undefined && <span class="ua muted">{attempt.error}</span>}
                    </td>
                    <td data-label="Duration">{attempt.durationMs} ms</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="settings-heading">
        <h2 id="settings-heading">Change the settings</h2>
        <Problems issues={issues} />
        <form method="post" action={webhookPath(endpoint.id)}>
          <Csrf signedIn={signedIn} />
          <input type="hidden" name="action" value="settings" />
          <EndpointFields prefix="edit" form={form} issues={issues} />
          <button type="submit">Save settings</button>
        </form>
        <h2>Remove</h2>
        <p>
          <a class="danger-link" href={`${webhookPath(endpoint.id)}/remove`}>
            Remove this endpoint
          </a>
        </p>
      </section>
    </Layout>
  );
}

/** The confirmation step before removing an endpoint. */
export function RemoveWebhookPage({ organisationName, signedIn, endpoint }: Page & { endpoint: WebhookEndpointView }) {
  return (
    <Layout title="Remove a webhook endpoint" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1 class="wrap">Remove {endpoint.url}?</h1>
      <p>No more events are sent to it, deliveries waiting for a retry are dropped, and its delivery log is deleted. Its secret cannot be restored.</p>
      <form method="post" action={`${webhookPath(endpoint.id)}/remove`}>
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="confirm" value="remove" />
        <button type="submit" class="danger">
          Remove the endpoint
        </button>
      </form>
      <p>
        <a href={webhookPath(endpoint.id)}>Keep it</a>
      </p>
    </Layout>
  );
}
