/** @jsxImportSource hono/jsx */
/**
 * The sources pages' answers (routes of the console-compose function): each calls the sources
 * service, the one the /admin/sources API calls, and renders sources-pages.tsx or redirects back
 * with a notice. The handler has checked the session, the role and the form post. A form the service
 * refuses (ValidationError) comes back as it was sent, each problem beside its field.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { ValidationError, type FieldIssue } from '../../../domain/errors';
import type { StaffSession } from '../../../domain/staff/sign-in';
import { hasRole, StaffRole } from '../../../domain/staff/staff-member';
import { DEFAULT_CATEGORY, POLL_MINUTES, SourceKind, SourceMode, type SourceView } from '../../../domain/source/source';
import { ItemState } from '../../../domain/source/source-item';
import type { PollReport } from '../../../domain/source/poll-source';
import { formFields } from '../form-body';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import {
  GhostAddedPage, RemoveSourcePage, SOURCE_NOTICES, SourcePage, SourcesPage, sourcePath,
  type ListChoice, type SourceForm, type SourceNotice,
} from './sources-pages';

const page = async (status: number, node: Parameters<typeof renderPage>[0]) => consolePage(status, await renderPage(node));
const isNotice = (value: string | undefined): value is SourceNotice => !!value && Object.hasOwn(SOURCE_NOTICES, value);

/** Blank category rows offered below the filled ones, so a form without script can add mappings. */
const BLANK_ROWS = 3;

const withBlankRows = (rows: SourceForm['rows']): SourceForm['rows'] => [...rows, ...Array.from({ length: BLANK_ROWS }, () => ({ category: '', list: '' }))];

const emptyForm = (): SourceForm => ({ kind: SourceKind.Feed, name: '', url: '', mode: SourceMode.Send, pollMinutes: String(POLL_MINUTES.default), rows: withBlankRows([]), otherwise: '' });

/** The change form filled with the source's settings. */
function formOf(source: SourceView): SourceForm {
  const rows = Object.entries(source.lists).filter(([category]) => category !== DEFAULT_CATEGORY);
  return {
    kind: source.kind,
    name: source.name ?? '',
    url: source.url ?? '',
    mode: source.mode,
    pollMinutes: String(source.pollMinutes),
    rows: withBlankRows(rows.map(([category, list]) => ({ category, list }))),
    otherwise: source.lists[DEFAULT_CATEGORY] ?? '',
  };
}

/**
 * The form as typed. Each row posts a `category` and a `list` (a text input and a select always
 * post, so the two lists of values line up row by row); rows left blank are dropped.
 *
 * @example
 * sourceFormFrom(new URLSearchParams('kind=feed&url=https://example.org/feed/&mode=send&category=Blog&list=blog&otherwise='));
 */
export function sourceFormFrom(form: URLSearchParams): SourceForm {
  const categories = form.getAll('category');
  const lists = form.getAll('list');
  const rows = categories.map((category, i) => ({ category, list: lists[i] ?? '' })).filter((row) => row.category.trim() || row.list);
  return {
    kind: form.get('kind') === SourceKind.Ghost ? SourceKind.Ghost : SourceKind.Feed,
    name: form.get('name') ?? '',
    url: form.get('url') ?? '',
    mode: form.get('mode') ?? '',
    pollMinutes: form.get('pollMinutes') ?? '',
    rows: withBlankRows(rows),
    otherwise: form.get('otherwise') ?? '',
  };
}

/**
 * The body the sources service takes (the same as POST /admin/sources), from the form. Empty
 * optional fields are left out; what is typed wrong is passed on as typed, so that the service's
 * validation names the field.
 */
export function sourceBody(form: SourceForm, kind: string): Record<string, unknown> {
  const issues: FieldIssue[] = [];
  const lists: Record<string, string> = {};
  for (const row of form.rows) {
    const category = row.category.trim();
    if (!category && !row.list) continue;
    if (!category) issues.push({ field: 'lists', message: `name the category or tag for the list "${row.list}"` });
    else if (!row.list) issues.push({ field: `lists.${category}`, message: 'choose a list' });
    else lists[category] = row.list;
  }
  if (form.otherwise) lists[DEFAULT_CATEGORY] = form.otherwise;
  if (issues.length) throw new ValidationError(issues, 'Invalid source');
  const minutes = form.pollMinutes.trim();
  const isFeed = kind === SourceKind.Feed;
  return {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    // A Ghost source with a URL typed is passed on, for the service to say that Ghost has none.
    ...(form.url.trim() || isFeed ? { url: form.url.trim() } : {}),
    ...(form.mode ? { mode: form.mode } : {}),
    ...(isFeed && minutes ? { pollMinutes: /^\d+$/.test(minutes) ? Number(minutes) : minutes } : {}),
    lists,
  };
}

async function listChoices(app: Services, keep: string[] = []): Promise<ListChoice[]> {
  const lists = await app.lists.catalogue();
  return lists.filter((l) => !l.archived || keep.includes(l.id)).map((l) => ({ id: l.id, name: l.name }));
}

const webhookUrl = (app: Services, source: SourceView) => (source.kind === SourceKind.Ghost ? `${app.brand.publicUrl}/webhooks/ghost/${encodeURIComponent(source.id)}` : undefined);

/** `GET /console/sources`, and the same page with the add form refused. */
export async function sources(app: Services, session: StaffSession, event?: HttpEvent, refused?: { form: SourceForm; issues: FieldIssue[] }): Promise<HttpResult> {
  const all = await app.sources.list();
  const lists = await listChoices(app, all.flatMap((s) => Object.values(s.lists)));
  const done = event?.queryStringParameters?.done;
  return page(
    refused ? 400 : 200,
    <SourcesPage
      organisationName={app.brand.organisationName}
      signedIn={session}
      sources={all}
      lists={lists}
      canAdd={hasRole(session.role, StaffRole.Admin)}
      form={refused?.form ?? emptyForm()}
      issues={refused?.issues}
      notice={isNotice(done) ? done : undefined}
    />,
  );
}

/**
 * `POST /console/sources` (admins): a feed goes to its page; a Ghost source answers the page with its
 * secret, shown this once (not a redirect, so the secret is in no URL and stored nowhere to show again).
 */
export async function add(app: Services, session: StaffSession, event: HttpEvent): Promise<HttpResult> {
  const form = sourceFormFrom(formFields(event));
  try {
    const { source, secret } = await app.sources.register({ kind: form.kind, ...sourceBody(form, form.kind) }, session.email);
    if (!secret) return seeOther(`${sourcePath(source.id)}?done=added`);
    return page(201, <GhostAddedPage organisationName={app.brand.organisationName} signedIn={session} source={source} webhookUrl={webhookUrl(app, source) ?? ''} secret={secret} />);
  } catch (error) {
    if (error instanceof ValidationError) return sources(app, session, undefined, { form, issues: error.issues });
    throw error;
  }
}

const POLL_COUNTS = ['inFeed', 'seen', 'published', 'corrected', 'held', 'skipped', 'failed', 'deferred'] as const;

/** The poll's report as the redirect's query (its counts and status; the error is the source's last error). */
function pollQuery(report: PollReport): URLSearchParams {
  const query = new URLSearchParams({ done: 'polled', status: report.status });
  for (const key of POLL_COUNTS) if (report[key]) query.set(key, String(report[key]));
  return query;
}

/** The report back from the query, or undefined when it is not one (a hand-made URL says nothing). */
function pollFrom(query: Record<string, string | undefined>): Omit<PollReport, 'sourceId'> | undefined {
  if (query.done !== 'polled' || !['ok', 'not-modified', 'failed'].includes(query.status ?? '')) return undefined;
  const count = (key: string) => {
    const n = Number(query[key] ?? 0);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  return { status: query.status as PollReport['status'], ...Object.fromEntries(POLL_COUNTS.map((key) => [key, count(key)])) } as Omit<PollReport, 'sourceId'>;
}

async function sourceView(app: Services, session: StaffSession, id: string, extra: { query?: Record<string, string | undefined>; refused?: { form: SourceForm; issues: FieldIssue[] } }): Promise<HttpResult> {
  const source = await app.sources.get(id);
  const lists = await listChoices(app, Object.values(source.lists));
  const query = extra.query ?? {};
  return page(
    extra.refused ? 400 : 200,
    <SourcePage
      organisationName={app.brand.organisationName}
      signedIn={session}
      source={source}
      lists={lists}
      webhookUrl={webhookUrl(app, source)}
      canChange={hasRole(session.role, StaffRole.Admin)}
      form={extra.refused?.form ?? formOf(source)}
      issues={extra.refused?.issues}
      notice={isNotice(query.done) ? query.done : undefined}
      polled={pollFrom(query)}
    />,
  );
}

/** `GET /console/sources/{sourceId}`, with the notice or poll report a POST redirected back with. @throws NotFoundError */
export function sourcePage(app: Services, session: StaffSession, id: string, event: HttpEvent): Promise<HttpResult> {
  return sourceView(app, session, id, { query: event.queryStringParameters ?? {} });
}

/** `POST /console/sources/{sourceId}` (admins): the settings; a refused change comes back as sent. */
export async function change(app: Services, session: StaffSession, id: string, event: HttpEvent): Promise<HttpResult> {
  const form = sourceFormFrom(formFields(event));
  const current = await app.sources.get(id);
  form.kind = current.kind;
  try {
    await app.sources.update(id, sourceBody(form, current.kind));
  } catch (error) {
    if (error instanceof ValidationError) return sourceView(app, session, id, { refused: { form, issues: error.issues } });
    throw error;
  }
  return seeOther(`${sourcePath(id)}?done=saved`);
}

/** `POST …/poll` (editors): polls the feed now, then back to the page with the report in words. */
export async function poll(app: Services, id: string): Promise<HttpResult> {
  const report = await app.sources.pollNow(id);
  return seeOther(`${sourcePath(id)}?${pollQuery(report)}`);
}

/** `POST …/items/{releaseId}/publish` (editors): publishes a seen, failed or held post now. */
export async function publishItem(app: Services, id: string, releaseId: string): Promise<HttpResult> {
  const item = await app.sources.publishItem(id, releaseId);
  return seeOther(`${sourcePath(id)}?done=${item.state === ItemState.Published ? 'item-published' : 'item-failed'}`);
}

/** `GET …/remove` (admins): the confirmation step. @throws NotFoundError */
export async function confirmRemoval(app: Services, session: StaffSession, id: string): Promise<HttpResult> {
  const source = await app.sources.get(id);
  return page(200, <RemoveSourcePage organisationName={app.brand.organisationName} signedIn={session} source={source} />);
}

/**
 * `POST …/remove` (admins): only from the confirmation page (its `confirm=remove`); a post without
 * it, from an old page or a tool, is sent to the confirmation step and removes nothing.
 */
export async function remove(app: Services, id: string, confirmed: boolean): Promise<HttpResult> {
  if (!confirmed) return seeOther(`${sourcePath(id)}/remove`);
  await app.sources.remove(id);
  return seeOther('/console/sources?done=removed');
}
