/** @jsxImportSource hono/jsx */
/**
 * The audience pages' answers (console-audience function), one per route: each calls the service
 * method the /admin API calls for the same thing and renders a page (audience-pages.tsx) or
 * redirects. A refused form is shown again with its problems; other errors go up to
 * console-errors.tsx. The caller has checked the session's role and, for a POST, its form.
 */
import { WELCOME_TRANSLATIONS, type ListWelcomeForm } from './audience-pages';
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../../domain/errors';
import type { StaffSession } from '../../../domain/staff/sign-in';
import { UnknownQueueError } from '../../../domain/delivery/errors';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import {
  DeadLettersPage, ErasedPage, ErasePage, ExportJobPage, ImportJobPage, ImportsPage, ListEditPage, ListsPage, RedrivePage, SubscribersPage,
} from './audience-pages';
import type { MultipartForm } from '../multipart-body';

/** API Gateway's request payload limit: the largest file the upload form can carry. */
export const UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

const page = async (status: number, node: Parameters<typeof renderPage>[0]) => consolePage(status, await renderPage(node));
const brand = (app: Services, session: StaffSession) => ({ organisationName: app.brand.organisationName, signedIn: session });
const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** The problems a refused form shows: field by field, or the one sentence a conflict says. */
function issuesOf(error: unknown): { status: number; issues: FieldIssue[] } | undefined {
  if (error instanceof ValidationError) return { status: 400, issues: error.issues };
  if (error instanceof ConflictError) return { status: 409, issues: [{ field: 'form', message: error.message }] };
  if (error instanceof NotFoundError) return { status: 404, issues: [{ field: 'form', message: error.message }] };
  return undefined;
}

/** Runs `action`; a refusal it throws is answered by `refused` with its problems. */
async function orShow<T>(action: () => Promise<T>, refused: (status: number, issues: FieldIssue[]) => Promise<HttpResult>): Promise<T | HttpResult> {
  try {
    return await action();
  } catch (error) {
    const problem = issuesOf(error);
    if (problem) return refused(problem.status, problem.issues);
    throw error;
  }
}
const isAnswer = (value: unknown): value is HttpResult => !!value && typeof value === 'object' && 'statusCode' in value;

// What a redirect after a change says on the page it lands on: fixed sentences picked by a code,
// so a crafted link cannot put words of its own on a staff page.
const LIST_NOTICES: Record<string, (list: string) => string> = {
  created: (list) => `List ${list} created.`,
  saved: (list) => `List ${list} saved.`,
  archived: (list) => `List ${list} archived: it takes no new members or releases.`,
  unarchived: (list) => `List ${list} is open again.`,
};

// ---------------------------------------------------------------------------------------------
// Lists

export async function lists(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const q = event.queryStringParameters ?? {};
  const notice = q.done && q.list && LIST_NOTICES[q.done]?.(q.list);
  return page(200, <ListsPage {...brand(app, session)} lists={await app.lists.all()} notice={notice || undefined} />);
}

const listDraft = (form: URLSearchParams) => ({
  name: form.get('name') ?? '',
  description: form.get('description') ?? '',
  public: form.get('public') === 'true',
});

export async function createList(app: Services, session: StaffSession, form: URLSearchParams): Promise<HttpResult> {
  const draft = { id: form.get('id') ?? '', ...listDraft(form) };
  const created = await orShow(
    () => app.lists.create(draft),
    async (status, issues) => page(status, <ListsPage {...brand(app, session)} lists={await app.lists.all()} draft={draft} issues={issues} />),
  );
  if (isAnswer(created)) return created;
  return seeOther(`/console/lists?${new URLSearchParams({ done: 'created', list: created.id })}`);
}

export async function editList(app: Services, session: StaffSession, listId: string): Promise<HttpResult> {
  return page(200, <ListEditPage {...brand(app, session)} list={await app.lists.describe(listId)} />);
}

/**
 * The welcome form as PATCH /admin/lists/{listId} takes it: an empty default Markdown removes the
 * welcome; a translation counts only when its Markdown is given.
 */
export function welcomeFromForm(form: URLSearchParams): ListWelcomeForm | null {
  const markdown = form.get('welcome-markdown')?.trim() ?? '';
  if (!markdown) return null;
  const subject = form.get('welcome-subject')?.trim() || undefined;
  const translations = Object.fromEntries(
    WELCOME_TRANSLATIONS.flatMap((language) => {
      const text = form.get(`welcome-${language}-markdown`)?.trim();
      const subject = form.get(`welcome-${language}-subject`)?.trim() || undefined;
      return text ? [[language, { markdown: text, ...(subject ? { subject } : {}) }]] : [];
    }),
  );
  return {
    markdown,
    ...(subject ? { subject } : {}),
    onImport: form.get('welcome-on-import') === 'true',
    ...(Object.keys(translations).length ? { translations } : {}),
  };
}

/** `action=edit` saves the form's fields; `welcome` saves the welcome; `archive` and `unarchive` change only that. */
export async function updateList(app: Services, session: StaffSession, listId: string, form: URLSearchParams): Promise<HttpResult> {
  const action = form.get('action');
  if (action === 'welcome') {
    const welcome = welcomeFromForm(form);
    const saved = await orShow(
      () => app.lists.update(listId, { welcome }),
      async (status, issues) =>
        page(status, <ListEditPage {...brand(app, session)} list={await app.lists.describe(listId)} welcomeDraft={welcome ?? undefined} issues={issues} />),
    );
    if (isAnswer(saved)) return saved;
    return seeOther(`/console/lists?${new URLSearchParams({ done: 'saved', list: listId })}`);
  }
  if (action === 'archive' || action === 'unarchive') {
    await app.lists.update(listId, { archived: action === 'archive' });
    return seeOther(`/console/lists?${new URLSearchParams({ done: `${action}d`, list: listId })}`);
  }
  const draft = listDraft(form);
  const saved = await orShow(
    () => app.lists.update(listId, draft),
    async (status, issues) => page(status, <ListEditPage {...brand(app, session)} list={await app.lists.describe(listId)} draft={draft} issues={issues} />),
  );
  if (isAnswer(saved)) return saved;
  return seeOther(`/console/lists?${new URLSearchParams({ done: 'saved', list: listId })}`);
}

// ---------------------------------------------------------------------------------------------
// Subscribers

export async function subscribers(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const email = event.queryStringParameters?.email?.trim();
  const catalogue = await app.lists.catalogue();
  const notice = event.queryStringParameters?.done === 'lists' ? 'List changes saved.' : undefined;
  if (!email) return page(200, <SubscribersPage {...brand(app, session)} lists={catalogue} />);
  const found = await orShow(
    () => app.subscribers.lookup(email),
    (status, issues) => page(status, <SubscribersPage {...brand(app, session)} email={email} lists={catalogue} issues={issues} />),
  );
  if (isAnswer(found)) return found;
  const history = await app.subscribers.consentHistory(found.id, undefined);
  return page(200, <SubscribersPage {...brand(app, session)} email={email} subscriber={found} lists={catalogue} notice={notice} history={history} />);
}

/** The form's `add` and `remove` checkboxes, as `PATCH /admin/subscribers/{id}` takes them. */
export async function changeLists(app: Services, session: StaffSession, subscriberId: string, form: URLSearchParams): Promise<HttpResult> {
  const changed = await orShow(
    () => app.subscribers.changeLists(subscriberId, { lists: { add: form.getAll('add'), remove: form.getAll('remove') } }),
    async (status, issues) => {
      const subscriber = await app.subscribers.byId(subscriberId);
      return page(status, <SubscribersPage {...brand(app, session)} email={subscriber.email} subscriber={subscriber} lists={await app.lists.catalogue()} issues={issues} />);
    },
  );
  if (isAnswer(changed)) return changed;
  return seeOther(`/console/subscribers?${new URLSearchParams({ email: changed.email, done: 'lists' })}`);
}

/**
 * Everything held about the subscriber as a JSON attachment (a right-of-access request): the same
 * document as `GET /admin/subscribers/{id}/data`, consent history included.
 */
export async function heldData(app: Services, subscriberId: string): Promise<HttpResult> {
  const data = await app.subscribers.subscriberData(subscriberId);
  return {
    statusCode: 200,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="subscriber-${subscriberId.replace(/[^\w-]/g, '')}.json"`,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
    },
    body: JSON.stringify(data, null, 2),
  };
}

export async function eraseForm(app: Services, session: StaffSession, subscriberId: string): Promise<HttpResult> {
  const subscriber = await app.subscribers.byId(subscriberId);
  return page(200, <ErasePage {...brand(app, session)} subscriber={subscriber} />);
}

/** Erases only when the typed address is the subscriber's; otherwise the form again, saying so. */
export async function erase(app: Services, session: StaffSession, subscriberId: string, form: URLSearchParams): Promise<HttpResult> {
  const subscriber = await app.subscribers.byId(subscriberId);
  const typed = form.get('confirm') ?? '';
  const erased = await orShow(
    () => app.subscribers.eraseConfirmed(subscriberId, typed),
    (status, issues) => page(status, <ErasePage {...brand(app, session)} subscriber={subscriber} typed={typed} issues={issues} />),
  );
  if (isAnswer(erased)) return erased;
  return page(200, <ErasedPage {...brand(app, session)} email={subscriber.email} message={erased.message} />);
}

// ---------------------------------------------------------------------------------------------
// Imports and exports

export function importForm(app: Services, session: StaffSession): Promise<HttpResult> {
  return page(200, <ImportsPage {...brand(app, session)} maxBytes={UPLOAD_LIMIT_BYTES} />);
}

/**
 * The uploaded file imported as a job (as `POST /admin/imports` does): a small file is done within
 * `timeBudgetMs` and its page shows the report; a larger one carries on in the bulk queue.
 */
export async function importUpload(app: Services, session: StaffSession, form: MultipartForm, timeBudgetMs: number): Promise<HttpResult> {
  const refused = (status: number, issues: FieldIssue[]) => page(status, <ImportsPage {...brand(app, session)} maxBytes={UPLOAD_LIMIT_BYTES} issues={issues} />);
  const file = form.file('file');
  if (!file || file.bytes.length === 0) return refused(400, [{ field: 'file', message: 'choose a CSV file that is not empty' }]);
  const options = { dryRun: form.field('dryRun') === 'true', consent: form.field('consent') === 'true' };
  const job = await orShow(() => app.subscribers.importFile(file.bytes, options, timeBudgetMs), refused);
  if (isAnswer(job)) return job;
  return seeOther(`/console/imports/${path(job.id)}`);
}

export async function importJob(app: Services, session: StaffSession, importId: string): Promise<HttpResult> {
  return page(200, <ImportJobPage {...brand(app, session)} job={await app.subscribers.importJob(importId)} />);
}

export async function requestExport(app: Services, listId: string): Promise<HttpResult> {
  const job = await app.subscribers.requestExport(listId);
  return seeOther(`/console/exports/${path(job.id)}`);
}

export async function exportJob(app: Services, session: StaffSession, exportId: string): Promise<HttpResult> {
  return page(200, <ExportJobPage {...brand(app, session)} job={await app.subscribers.exportJob(exportId)} />);
}

// ---------------------------------------------------------------------------------------------
// Dead letters

export async function deadLetters(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const q = event.queryStringParameters ?? {};
  const queues = await app.delivery.deadLetterDepths();
  // Only a queue that exists is named back, in a fixed sentence.
  const redriven = q.redriven && queues.find((d) => d.queue === q.redriven);
  const notice = redriven ? `The ${redriven.queue} dead letters are on their way back to their queue.` : undefined;
  return page(200, <DeadLettersPage {...brand(app, session)} queues={queues} notice={notice} />);
}

export async function redriveForm(app: Services, session: StaffSession, queue: string): Promise<HttpResult> {
  const depth = (await app.delivery.deadLetterDepths()).find((d) => d.queue === queue);
  if (!depth) throw new UnknownQueueError(queue);
  return page(200, <RedrivePage {...brand(app, session)} queue={depth} />);
}

export async function redrive(app: Services, queue: string): Promise<HttpResult> {
  await app.delivery.redrive(queue);
  return seeOther(`/console/dead-letters?${new URLSearchParams({ redriven: queue })}`);
}
