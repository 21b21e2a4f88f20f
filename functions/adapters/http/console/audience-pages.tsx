/** @jsxImportSource hono/jsx */
/**
 * The audience pages (admins): lists, subscribers, imports and exports, dead letters. Each takes
 * what a service answered and shows it; forms post back to the console-audience function.
 */
import { Layout, type SignedIn } from './layout';
import { Csrf, Notice, Problems } from './form-parts';
import { dateTime } from './pages';
import type { FieldIssue } from '../../../domain/errors';
import type { ListWithCounts } from '../../../domain/lists/manage-lists';
import type { MailingList } from '../../../domain/lists/mailing-list';
import type { ConsentHistoryPage, SubscriberView } from '../../../domain/subscriber/manage-subscribers';
import type { ExportJobView, ImportJobView } from '../../../domain/subscriber/bulk-jobs';
import type { CsvImportSummary } from '../../../domain/subscriber/csv-import';
import type { DeadLetterDepth } from '../../../domain/delivery/dead-letters';
import { MembershipStatus } from '../../../domain/subscriber/subscriber';
import { SUPPORTED_LANGUAGES } from '../../../domain/subscriber/language';
import type { ListWelcome } from '../../../domain/lists/welcome';

interface PageBase {
  organisationName: string;
  signedIn: SignedIn;
}


// ---------------------------------------------------------------------------------------------
// Lists

export interface ListsPageProps extends PageBase {
  lists: ListWithCounts[];
  /** The create form's values and problems after a refused create. */
  draft?: { id?: string; name?: string; description?: string; public?: boolean };
  issues?: FieldIssue[];
  notice?: string;
}

export function ListsPage({ organisationName, signedIn, lists, draft, issues, notice }: ListsPageProps) {
  return (
    <Layout title="Lists" organisationName={organisationName} signedIn={signedIn}>
      <h1>Lists</h1>
      {notice && <Notice>{notice}</Notice>}
      <div class="table-wrap">
        <table>
          <caption class="muted">Members by standing; an archived list takes no new members or releases</caption>
          <thead>
            <tr>
              <th scope="col">List</th>
              <th scope="col">Visibility</th>
              <th scope="col">Confirmed</th>
              <th scope="col">Pending</th>
              <th scope="col">Unsubscribed</th>
              <th scope="col">Suppressed</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {lists.map((list) => (
              <tr>
                <td data-label="List">
                  <a href={`/console/lists/${encodeURIComponent(list.id)}`}>{list.name}</a> <span class="muted">({list.id})</span>
                  {list.archived && (
                    <>
                      {' '}
                      <span class="status status-archived">archived</span>
                    </>
                  )}
                </td>
                <td data-label="Visibility">{list.public ? 'public' : 'private'}</td>
                <td data-label="Confirmed">{list.counts.confirmed}</td>
                <td data-label="Pending">{list.counts.pending}</td>
                <td data-label="Unsubscribed">{list.counts.unsubscribed}</td>
                <td data-label="Suppressed">{list.counts.suppressed}</td>
                <td data-label="Actions" class="actions">
                  <form method="post" action={`/console/lists/${encodeURIComponent(list.id)}/exports`}>
                    <Csrf signedIn={signedIn} />
                    <button type="submit" class="secondary" aria-label={`Export ${list.name}`}>
                      Export
                    </button>
                  </form>
                  <form method="post" action={`/console/lists/${encodeURIComponent(list.id)}`}>
                    <Csrf signedIn={signedIn} />
                    <input type="hidden" name="action" value={list.archived ? 'unarchive' : 'archive'} />
                    <button type="submit" class="secondary" aria-label={`${list.archived ? 'Unarchive' : 'Archive'} ${list.name}`}>
                      {list.archived ? 'Unarchive' : 'Archive'}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2 id="create">Create a list</h2>
      <Problems issues={issues} />
      <form method="post" action="/console/lists" aria-labelledby="create">
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="list-id">Id</label>
          <p id="list-id-hint" class="muted">
            Lower-case letters, digits and hyphens; it cannot be changed later.
          </p>
          <input id="list-id" name="id" type="text" required pattern="[a-z0-9][a-z0-9\-]{0,63}" value={draft?.id} aria-describedby="list-id-hint" />
        </div>
        <ListFields draft={draft} />
        <button type="submit">Create list</button>
      </form>
    </Layout>
  );
}

function ListFields({ draft }: { draft?: { name?: string; description?: string; public?: boolean } }) {
  return (
    <>
      <div class="field">
        <label for="list-name">Name</label>
        <input id="list-name" name="name" type="text" required maxlength={100} value={draft?.name} />
      </div>
      <div class="field">
        <label for="list-description">Description</label>
        <textarea id="list-description" name="description" rows={3} maxlength={500}>
          {draft?.description ?? ''}
        </textarea>
      </div>
      <div class="field check">
        <input id="list-public" name="public" type="checkbox" value="true" checked={!!draft?.public} />
        <label for="list-public">Public: offered on the sign-up form and in the preference centre</label>
      </div>
    </>
  );
}

/** A welcome as the console's form sends it (the API's shape, welcome.ts). */
export type ListWelcomeForm = Omit<ListWelcome, 'onImport'> & { onImport?: boolean };

/** Languages the welcome form offers a translation in: every supported one but the default. */
export const WELCOME_TRANSLATIONS = SUPPORTED_LANGUAGES.filter((language) => language !== 'en');
const LANGUAGE_NAMES: Record<string, string> = { es: 'Spanish' };

function WelcomeFields({ welcome }: { welcome?: ListWelcomeForm }) {
  return (
    <>
      <p class="muted">
        Sent once to each person who confirms their subscription to this list, in their language when a translation is given. Write it in
        Markdown; leave it empty for no welcome.
      </p>
      <div class="field">
        <label for="welcome-subject">Subject (default: “Welcome to” and the list's name)</label>
        <input id="welcome-subject" name="welcome-subject" type="text" maxlength={200} value={welcome?.subject} />
      </div>
      <div class="field">
        <label for="welcome-markdown">Welcome (Markdown)</label>
        <textarea id="welcome-markdown" name="welcome-markdown" rows={8} maxlength={20000}>
          {welcome?.markdown ?? ''}
        </textarea>
      </div>
      {WELCOME_TRANSLATIONS.map((language) => (
        <fieldset>
          <legend>{LANGUAGE_NAMES[language] ?? language} translation (optional)</legend>
          <div class="field">
            <label for={`welcome-${language}-subject`}>Subject</label>
            <input id={`welcome-${language}-subject`} name={`welcome-${language}-subject`} type="text" maxlength={200} value={welcome?.translations?.[language]?.subject} />
          </div>
          <div class="field">
            <label for={`welcome-${language}-markdown`}>Welcome (Markdown)</label>
            <textarea id={`welcome-${language}-markdown`} name={`welcome-${language}-markdown`} rows={6} maxlength={20000}>
              {welcome?.translations?.[language]?.markdown ?? ''}
            </textarea>
          </div>
        </fieldset>
      ))}
      <div class="field check">
        <input id="welcome-on-import" name="welcome-on-import" type="checkbox" value="true" checked={!!welcome?.onImport} />
        <label for="welcome-on-import">Also welcome people imported with consent</label>
      </div>
    </>
  );
}

export interface ListEditPageProps extends PageBase {
  list: ListWithCounts;
  draft?: { name?: string; description?: string; public?: boolean };
  /** The welcome form as sent back with problems. */
  welcomeDraft?: ListWelcomeForm;
  issues?: FieldIssue[];
}

export function ListEditPage({ organisationName, signedIn, list, draft, welcomeDraft, issues }: ListEditPageProps) {
  return (
    <Layout title={`Edit ${list.name}`} organisationName={organisationName} signedIn={signedIn} narrow>
      <p>
        <a href="/console/lists">All lists</a>
      </p>
      <h1>Edit {list.name}</h1>
      <p class="muted">
        Id {list.id}
        {list.archived ? '; archived' : ''}. {list.counts.confirmed} confirmed, {list.counts.pending} pending.
      </p>
      <Problems issues={issues} />
      <form method="post" action={`/console/lists/${encodeURIComponent(list.id)}`}>
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="action" value="edit" />
        <ListFields draft={draft ?? list} />
        <button type="submit">Save</button>
      </form>
      <h2>Welcome email</h2>
      <form method="post" action={`/console/lists/${encodeURIComponent(list.id)}`}>
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="action" value="welcome" />
        <WelcomeFields welcome={welcomeDraft ?? list.welcome} />
        <button type="submit">Save welcome</button>
      </form>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Subscribers

export interface SubscribersPageProps extends PageBase {
  email?: string;
  subscriber?: SubscriberView;
  /** Every list, to add to or remove from. */
  lists: MailingList[];
  /** Why the look-up or the change found nothing or was refused. */
  issues?: FieldIssue[];
  notice?: string;
  /** The newest page of the subscriber's consent history. */
  history?: ConsentHistoryPage;
}

const SOURCE_LABELS: Record<string, string> = { reader: 'the reader', import: 'an import', staff: 'staff', system: 'the system', api: 'the API' };

/** What each change of consent was, when, and who made it (newest first). */
function ConsentHistory({ history, names }: { history: ConsentHistoryPage; names: Map<string, string> }) {
  return (
    <>
      <h3 id="history-heading">Consent history</h3>
      {history.events.length === 0 ? (
        <p class="muted">Nothing recorded yet.</p>
      ) : (
        <table aria-labelledby="history-heading">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Lists</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {history.events.map((e) => (
              <tr>
                <td data-label="When">{dateTime(e.at)}</td>
                <td data-label="What">
                  {e.type}
                  {e.detail?.reason ? ` (${e.detail.reason})` : ''}
                  {e.detail?.via ? `, by ${e.detail.via}` : ''}
                </td>
                <td data-label="Lists">{e.lists.map((id) => names.get(id) ?? id).join(', ') || '–'}</td>
                <td data-label="By">
                  {SOURCE_LABELS[e.source] ?? e.source}
                  {e.detail?.importJobId ? ` ${e.detail.importJobId}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {history.cursor && <p class="muted">Older events are in the download below.</p>}
    </>
  );
}

export function SubscribersPage({ organisationName, signedIn, email, subscriber, lists, issues, notice, history }: SubscribersPageProps) {
  const names = new Map(lists.map((l) => [l.id, l.name]));
  const joined = new Set(subscriber?.memberships.filter((m) => m.status !== MembershipStatus.Unsubscribed).map((m) => m.listId));
  const addable = lists.filter((l) => !l.archived && !joined.has(l.id));
  const removable = lists.filter((l) => joined.has(l.id));
  return (
    <Layout title="Subscribers" organisationName={organisationName} signedIn={signedIn}>
      <h1>Subscribers</h1>
      {notice && <Notice>{notice}</Notice>}
      <form method="get" action="/console/subscribers" class="filters" role="search" aria-label="Look up a subscriber">
        <div class="field">
          <label for="lookup-email">Email address</label>
          <input id="lookup-email" name="email" type="email" required value={email} />
        </div>
        <button type="submit">Look up</button>
      </form>
      <Problems issues={issues} />
      {subscriber && (
        <section aria-labelledby="subscriber-heading">
          <h2 id="subscriber-heading">{subscriber.email}</h2>
          <dl class="facts">
            <dt>Subscriber id</dt>
            <dd>{subscriber.id}</dd>
            <dt>Since</dt>
            <dd>{dateTime(subscriber.createdAt)}</dd>
            {subscriber.language && (
              <>
                <dt>Language</dt>
                <dd>{subscriber.language}</dd>
              </>
            )}
            <dt>Suppression</dt>
            <dd>{subscriber.suppression ? `suppressed (${subscriber.suppression.reason ?? 'no reason recorded'}) since ${dateTime(subscriber.suppression.at)}` : 'not suppressed'}</dd>
          </dl>

          <h3 id="memberships-heading">Memberships</h3>
          {subscriber.memberships.length === 0 ? (
            <p>No memberships.</p>
          ) : (
            <div class="table-wrap">
              <table aria-labelledby="memberships-heading">
                <thead>
                  <tr>
                    <th scope="col">List</th>
                    <th scope="col">Status</th>
                    <th scope="col">Changed</th>
                  </tr>
                </thead>
                <tbody>
                  {subscriber.memberships.map((m) => (
                    <tr>
                      <td data-label="List">
                        {names.get(m.listId) ?? m.listId} <span class="muted">({m.listId})</span>
                      </td>
                      <td data-label="Status">
                        <span class={`status status-${m.status}`}>{m.status}</span>
                      </td>
                      <td data-label="Changed">{dateTime(m.changedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h3 id="change-lists">Change lists</h3>
          <form method="post" action={`/console/subscribers/${encodeURIComponent(subscriber.id)}/lists`} aria-labelledby="change-lists">
            <Csrf signedIn={signedIn} />
            <div class="columns">
              <fieldset>
                <legend>Add to (confirmed at once: you vouch for consent)</legend>
                {addable.length === 0 && <p class="muted">No other open list.</p>}
                {addable.map((l) => (
                  <div class="check">
                    <input id={`add-${l.id}`} type="checkbox" name="add" value={l.id} />
                    <label for={`add-${l.id}`}>{l.name}</label>
                  </div>
                ))}
              </fieldset>
              <fieldset>
                <legend>Remove from (recorded as unsubscribed)</legend>
                {removable.length === 0 && <p class="muted">Not on any list.</p>}
                {removable.map((l) => (
                  <div class="check">
                    <input id={`remove-${l.id}`} type="checkbox" name="remove" value={l.id} />
                    <label for={`remove-${l.id}`}>{l.name}</label>
                  </div>
                ))}
              </fieldset>
            </div>
            <button type="submit">Save list changes</button>
          </form>

          {history && <ConsentHistory history={history} names={names} />}

          <h3>Right of access and erasure</h3>
          <ul class="links">
            <li>
              <a href={`/console/subscribers/${encodeURIComponent(subscriber.id)}/data`} download>
                Download everything held about {subscriber.email} (JSON)
              </a>
            </li>
            <li>
              <a href={`/console/subscribers/${encodeURIComponent(subscriber.id)}/erase`}>Erase {subscriber.email}…</a>
            </li>
          </ul>
        </section>
      )}
    </Layout>
  );
}

export interface ErasePageProps extends PageBase {
  subscriber: SubscriberView;
  typed?: string;
  issues?: FieldIssue[];
}

/** The erasure's confirmation: the address must be typed, as it cannot be undone. */
export function ErasePage({ organisationName, signedIn, subscriber, typed, issues }: ErasePageProps) {
  const problem = issues?.[0]?.message;
  return (
    <Layout title="Erase a subscriber" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Erase {subscriber.email}</h1>
      <p>
        This removes their profile and every membership for good. {subscriber.suppression ? 'Their address is suppressed, so a keyed hash of it is kept to refuse it later.' : 'Nothing about the address is kept.'}
      </p>
      <form method="post" action={`/console/subscribers/${encodeURIComponent(subscriber.id)}/erase`} novalidate>
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="confirm">Type the address to confirm</label>
          {problem && (
            <p id="confirm-error" class="error" role="alert">
              {problem}
            </p>
          )}
          <input
            id="confirm"
            name="confirm"
            type="email"
            autocomplete="off"
            required
            value={typed}
            aria-invalid={problem ? 'true' : undefined}
            aria-describedby={problem ? 'confirm-error' : undefined}
          />
        </div>
        <button type="submit" class="danger">
          Erase for good
        </button>{' '}
        <a href={`/console/subscribers?${new URLSearchParams({ email: subscriber.email })}`}>Cancel</a>
      </form>
    </Layout>
  );
}

export function ErasedPage({ organisationName, signedIn, email, message }: PageBase & { email: string; message: string }) {
  return (
    <Layout title="Subscriber erased" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>{email} was erased</h1>
      <p>{message}.</p>
      <p>
        <a href="/console/subscribers">Look up another subscriber</a>
      </p>
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Imports and exports

export function ImportsPage({ organisationName, signedIn, issues, maxBytes }: PageBase & { issues?: FieldIssue[]; maxBytes: number }) {
  return (
    <Layout title="Import subscribers" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Import subscribers</h1>
      <p>
        A CSV file with an <code>email</code> column and a <code>lists</code> column (list ids separated by <code>;</code> or <code>|</code>). Files up to {Math.floor(maxBytes / 1_000_000)} MB
        can be uploaded here (the API's request limit); import larger ones through <code>POST /admin/imports/uploads</code>.
      </p>
      <Problems issues={issues} />
      <form method="post" action="/console/imports" enctype="multipart/form-data">
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="import-file">CSV file</label>
          <input id="import-file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <div class="field check">
          <input id="import-dry-run" name="dryRun" type="checkbox" value="true" checked />
          <label for="import-dry-run">Dry run: report what would happen, change nothing</label>
        </div>
        <div class="field check">
          <input id="import-consent" name="consent" type="checkbox" value="true" />
          <label for="import-consent">Every address consented: import as confirmed (otherwise each new address is emailed a confirmation link)</label>
        </div>
        <button type="submit">Upload and import</button>
      </form>
    </Layout>
  );
}

const SUMMARY_LABELS: [keyof CsvImportSummary, string][] = [
  ['added', 'Added'],
  ['updated', 'Updated'],
  ['unchanged', 'Unchanged'],
  ['pendingConfirmation', 'Asked to confirm'],
  ['skippedSuppressed', 'Skipped: suppressed'],
  ['skippedNotConfirmed', 'Skipped: not confirmed'],
  ['invalid', 'Invalid'],
];

function SummaryTable({ summary, caption }: { summary: CsvImportSummary; caption: string }) {
  return (
    <table class="summary">
      <caption>{caption}</caption>
      <tbody>
        {SUMMARY_LABELS.map(([key, label]) => (
          <tr>
            <th scope="row">{label}</th>
            <td>{summary[key]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const finished = (status: string) => status === 'done' || status === 'failed';

export function ImportJobPage({ organisationName, signedIn, job }: PageBase & { job: ImportJobView }) {
  const report = job.report;
  const self = `/console/imports/${encodeURIComponent(job.id)}`;
  return (
    <Layout title="Import" organisationName={organisationName} signedIn={signedIn}>
      <p>
        <a href="/console/imports">Import another file</a>
      </p>
      <h1>
        {job.dryRun ? 'Dry run' : 'Import'} {job.id}
      </h1>
      <p>
        Status: <span class={`status status-${job.status}`}>{job.status}</span>
        {job.consent ? ' · with consent (imported as confirmed)' : ' · without consent (confirmation emails)'} · started {dateTime(job.createdAt)}
      </p>
      {!finished(job.status) && (
        <p>
          {job.progress.rowsRead} rows read so far. <a href={self}>Reload</a> to see its progress.
        </p>
      )}
      {job.status === 'failed' && (
        <div class="error-summary" role="alert">
          <h2>This file could not be imported</h2>
          <p>{job.error}</p>
          {!!job.issues?.length && (
            <ul>
              {job.issues.map((i) => (
                <li>{`${i.field}: ${i.message}`}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      {!report && <SummaryTable summary={job.progress.summary} caption="So far" />}
      {report && (
        <>
          <h2>Report</h2>
          <p>
            {report.rowsRead} rows read{report.dryRun ? '; this was a dry run and nothing was changed' : ''}.
            {report.ignoredColumns.length > 0 && ` Ignored columns: ${report.ignoredColumns.join(', ')}.`}
          </p>
          {report.stopped && (
            <p class="error">
              The file could not be read past line {report.stopped.line}: {report.stopped.reason}. Rows before it were {report.dryRun ? 'checked' : 'imported'}.
            </p>
          )}
          <SummaryTable summary={report.summary} caption="Summary" />
          <h3>Rows</h3>
          {report.rowsOmitted && <p class="muted">{report.rowsOmitted}</p>}
          {report.rows.length === 0 ? (
            <p>No rows to show.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Line</th>
                    <th scope="col">Address</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Lists</th>
                    <th scope="col">Why</th>
                  </tr>
                </thead>
                <tbody>
                  {report.rows.map((row) => (
                    <tr>
                      <td data-label="Line">{row.line}</td>
                      <td data-label="Address">{row.email}</td>
                      <td data-label="Outcome">{row.outcome}</td>
                      <td data-label="Lists">{row.lists?.join(', ') ?? '–'}</td>
                      <td data-label="Why">{row.reason ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Layout>
  );
}

export function ExportJobPage({ organisationName, signedIn, job }: PageBase & { job: ExportJobView }) {
  const self = `/console/exports/${encodeURIComponent(job.id)}`;
  return (
    <Layout title="Export" organisationName={organisationName} signedIn={signedIn} narrow>
      <p>
        <a href="/console/lists">All lists</a>
      </p>
      <h1>Export of {job.listId}</h1>
      <p>
        Status: <span class={`status status-${job.status}`}>{job.status}</span> · requested {dateTime(job.createdAt)}
      </p>
      {job.download ? (
        <p>
          {job.rows ?? 0} members. <a href={job.download.url}>Download {job.listId}.csv</a> <span class="muted">(the link works until {dateTime(job.download.expiresAt)}; reload for a new one)</span>
        </p>
      ) : job.status === 'failed' ? (
        <p class="error">The export failed: {job.error ?? 'no reason recorded'}.</p>
      ) : (
        <p>
          The file is being written. <a href={self}>Reload</a> to check.
        </p>
      )}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// Dead letters

export function DeadLettersPage({ organisationName, signedIn, queues, notice }: PageBase & { queues: DeadLetterDepth[]; notice?: string }) {
  return (
    <Layout title="Dead letters" organisationName={organisationName} signedIn={signedIn}>
      <h1>Dead letters</h1>
      <p class="muted">Jobs that failed on every attempt wait in their queue's dead-letter queue. Fix the cause first, then send them back.</p>
      {notice && <Notice>{notice}</Notice>}
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Queue</th>
              <th scope="col">Dead letters</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {queues.map((q) => (
              <tr>
                <td data-label="Queue">{q.queue}</td>
                <td data-label="Dead letters">{q.deadLetters}</td>
                <td data-label="Action">
                  {q.deadLetters > 0 ? <a href={`/console/dead-letters/${encodeURIComponent(q.queue)}/redrive`}>Redrive {q.queue}…</a> : <span class="muted">nothing to redrive</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Layout>
  );
}

export function RedrivePage({ organisationName, signedIn, queue }: PageBase & { queue: DeadLetterDepth }) {
  return (
    <Layout title={`Redrive ${queue.queue}`} organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Redrive {queue.queue}</h1>
      <p>
        Send the {queue.deadLetters} dead letters of the {queue.queue} queue back to be worked again? Every consumer is idempotent: a job already done finds it done.
      </p>
      <form method="post" action={`/console/dead-letters/${encodeURIComponent(queue.queue)}/redrive`}>
        <Csrf signedIn={signedIn} />
        <button type="submit">Redrive {queue.queue}</button> <a href="/console/dead-letters">Cancel</a>
      </form>
    </Layout>
  );
}
