/** @jsxImportSource hono/jsx */
/**
 * The compose function's answers (handlers/console-compose.ts): the compose form, drafts, preview,
 * test send and publish. Each calls the drafts service and renders compose-pages.tsx; a release the
 * form cannot make yet (a bad field, a blocking preflight finding) comes back as the same form with
 * what to fix, not as a refusal page.
 */
import type { HttpEvent, HttpResult } from '../../../runtime/http';
import { json } from '../../../runtime/http';
import type { Services } from '../../../runtime/compose';
import { NotFoundError, ValidationError, type FieldIssue } from '../../../domain/errors';
import { PreflightError } from '../../../domain/release/errors';
import { DraftChangedError } from '../../../domain/draft/errors';
import { BodyFormat, type Draft, type DraftFields } from '../../../domain/draft/draft';
import type { ChannelCount } from '../../../domain/draft/social-counts';
import type { StaffSession } from '../../../domain/staff/sign-in';
import { hasRole } from '../../../domain/staff/staff-member';
import { formFields } from '../form-body';
import { consolePage, seeOther } from './console-http';
import { renderPage } from './layout';
import { ComposePage, DraftsPage, type ComposePageProps, type PreviewView } from './compose-pages';

/**
 * Compose pages show the email preview in `srcdoc` frames, which inherit the page's policy: the
 * email's own inline styles need `style-src 'unsafe-inline'` there. Script stays `'self'` only (the
 * counts script), and the frames are sandboxed without scripts whatever the policy says.
 */
export const COMPOSE_CSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const page = async (status: number, props: ComposePageProps): Promise<HttpResult> => {
  const answer = consolePage(status, await renderPage(<ComposePage {...props} />));
  return { ...answer, headers: { ...answer.headers, 'content-security-policy': COMPOSE_CSP } };
};

/** `2026-12-08T09:30` from a datetime-local field, read as UTC (the form says so). */
function embargoFrom(value: string | null): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2})(:\d{2}(\.\d+)?)?$/.exec(v);
  const at = m ? Date.parse(`${m[1]}${m[2] ?? ':00'}Z`) : Number.NaN;
  // Kept as typed when it is not a time: checkDraftFields names the field.
  return Number.isNaN(at) ? v : new Date(at).toISOString();
}

/**
 * The draft fields a compose form posted. Every configured channel has a checkbox (`social`) and a
 * text (`social-text-<channel>`); the rest are one field each, tags comma-separated.
 *
 * @example
 * draftFieldsFrom(new URLSearchParams('title=Hi&format=markdown&body=x&lists=blog&social=local'), ['local']);
 */
export function draftFieldsFrom(form: URLSearchParams, channels: readonly string[]): DraftFields {
  const on = new Set(form.getAll('social'));
  const format = form.get('format') === BodyFormat.Html ? BodyFormat.Html : BodyFormat.Markdown;
  const summary = form.get('summary')?.trim();
  const embargoUntil = embargoFrom(form.get('embargo'));
  return {
    title: form.get('title')?.trim() ?? '',
    format,
    body: form.get('body') ?? '',
    ...(summary ? { summary } : {}),
    lists: [...new Set(form.getAll('lists'))],
    tags: (form.get('tags') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    language: form.get('language')?.trim() || 'en',
    ...(embargoUntil ? { embargoUntil } : {}),
    ...translationsFrom(form),
    social: channels.map((channel) => {
      const text = form.get(`social-text-${channel}`)?.trim();
      return { channel, enabled: on.has(channel), ...(text ? { text } : {}) };
    }),
  };
}

/**
 * The translations a compose form posted: numbered slots (`translation-language-0`, `-title-0`,
 * `-summary-0`, `-body-0`, …); a slot left wholly empty is no translation, so the form can always
 * offer one more without script.
 */
function translationsFrom(form: URLSearchParams): Pick<DraftFields, 'translations'> {
  const translations: NonNullable<DraftFields['translations']> = [];
  for (let i = 0; i < 11 && form.has(`translation-language-${i}`); i++) {
    const value = (name: string) => form.get(`translation-${name}-${i}`) ?? '';
    const [language, title, summary, body] = [value('language').trim(), value('title').trim(), value('summary').trim(), value('body')];
    if (!language && !title && !summary && !body.trim()) continue;
    translations.push({ language, title, ...(summary ? { summary } : {}), body });
  }
  return translations.length ? { translations } : {};
}

const emptyFields = (channels: readonly string[]): DraftFields => ({
  title: '',
  format: BodyFormat.Markdown,
  body: '',
  lists: [],
  tags: [],
  language: 'en',
  social: channels.map((channel) => ({ channel, enabled: true })),
});

interface View {
  draft?: Draft;
  /** The save the form's edit began on, when it is not the draft's latest. */
  version?: string;
  fields: DraftFields;
  preview?: PreviewView;
  counts?: ChannelCount[];
  issues?: FieldIssue[];
  notice?: string;
}

async function composePage(app: Services, session: StaffSession, status: number, view: View): Promise<HttpResult> {
  const [lists, counts] = await Promise.all([app.lists.catalogue(), view.counts ?? app.drafts.counts(view.fields, view.draft?.id)]);
  return page(status, {
    organisationName: app.brand.organisationName,
    signedIn: session,
    draft: view.draft,
    version: view.version,
    fields: view.fields,
    lists: lists.filter((l) => !l.archived || view.fields.lists.includes(l.id)).map((l) => ({ id: l.id, name: l.name })),
    counts,
    canPublish: hasRole(session.role, 'editor'),
    preview: view.preview,
    issues: view.issues,
    notice: view.notice,
    testTo: session.email,
  });
}

/** GET /console/compose: an empty form, every configured channel on. */
export function composeForm(app: Services, session: StaffSession): Promise<HttpResult> {
  return composePage(app, session, 200, { fields: emptyFields(app.drafts.channelNames()) });
}

/** GET /console/drafts/{id}, `?saved=1` after a save (post, redirect, get). @throws NotFoundError */
export async function draftPage(app: Services, session: StaffSession, id: string, event: HttpEvent): Promise<HttpResult> {
  const draft = await app.drafts.get(id);
  return composePage(app, session, 200, { draft, fields: draft.fields, notice: event.queryStringParameters?.saved ? 'Draft saved.' : undefined });
}

/** GET /console/drafts. */
export async function drafts(app: Services, session: StaffSession, deleted = false): Promise<HttpResult> {
  const list = await app.drafts.list();
  return consolePage(200, await renderPage(<DraftsPage organisationName={app.brand.organisationName} signedIn={session} drafts={list} deleted={deleted} />));
}

/**
 * POST /console/compose or /console/drafts/{id}: the button pressed (`action`) says what to do. The
 * caller has checked the form post (origin, CSRF) and the contributor role; publishing checks editor.
 *
 * @throws ForbiddenError when a contributor publishes; NotFoundError for a draft that is gone.
 */
export async function submit(app: Services, session: StaffSession, event: HttpEvent, id?: string): Promise<HttpResult> {
  const form = formFields(event);
  const fields = draftFieldsFrom(form, app.drafts.channelNames());
  const draft = id ? await app.drafts.get(id) : undefined;
  // The save this edit began on: kept through previews and test sends, so that saving later still
  // notices a save by someone else in between.
  const version = form.get('version') ?? undefined;
  const retry = (status: number, error: unknown, saved = draft) => {
    const edit = { draft: saved, version: saved === draft ? version : undefined, fields };
    if (error instanceof DraftChangedError) {
      const message = `${error.updatedBy} saved this draft at ${error.updatedAt.slice(0, 16).replace('T', ' ')} UTC, after you opened it. Copy your changes, then reload the draft.`;
      return composePage(app, session, 409, { ...edit, issues: [{ field: 'draft', message }] });
    }
    if (error instanceof ValidationError) return composePage(app, session, status, { ...edit, issues: error.issues });
    if (error instanceof PreflightError) {
      const issues = error.findings.filter((f) => f.severity === 'blocking').map((f) => ({ field: 'preflight', message: f.message }));
      return composePage(app, session, 422, { ...edit, issues });
    }
    return Promise.reject(error);
  };
  switch (form.get('action')) {
    case 'preview':
      try {
        const { rendered, findings, counts } = await app.drafts.preview(fields, id);
        return composePage(app, session, 200, { draft, version, fields, counts, preview: { subject: rendered.subject, html: rendered.html, findings } });
      } catch (error) {
        return retry(400, error);
      }
    case 'test':
      try {
        const { sent } = await app.drafts.testSend(fields, form.get('testTo') ?? '', id);
        return composePage(app, session, 200, { draft, version, fields, notice: `Test sent to ${sent.join(', ')}.` });
      } catch (error) {
        return retry(400, error);
      }
    case 'publish': {
      // Checked before anything is saved: a contributor's press of a disabled button changes nothing.
      app.staff.requireRole(session, 'editor');
      // Publishing mails every subscriber of the lists and cannot be undone: the editor says so first.
      if (form.get('confirmPublish') !== 'yes') {
        const lists = fields.lists?.length ? fields.lists.join(', ') : 'the lists chosen';
        return retry(400, new ValidationError([{ field: 'confirmPublish', message: `tick "Send it to every subscriber of ${lists}" to publish; nothing was saved or sent` }], 'Not confirmed'));
      }
      let saved: Draft | undefined = draft;
      try {
        // What the editor sees is what is published: the form is saved first, then published.
        saved = await app.drafts.save({ id, fields, by: session.email, expectedUpdatedAt: version });
        await app.drafts.publish(saved.id, session.email);
        return seeOther('/console/releases');
      } catch (error) {
        return retry(422, error, saved);
      }
    }
    case 'delete': {
      if (!id) throw new NotFoundError('Only a saved draft can be deleted');
      // Like publishing, deleting cannot be undone: the member says so first.
      if (form.get('confirmDelete') !== 'yes') {
        return retry(400, new ValidationError([{ field: 'confirmDelete', message: 'tick "Delete this draft for good" to delete it; nothing was deleted' }], 'Not confirmed'));
      }
      await app.drafts.remove(id);
      return seeOther('/console/drafts?deleted=1');
    }
    default:
      try {
        const saved = await app.drafts.save({ id, fields, by: session.email, expectedUpdatedAt: version });
        return seeOther(`/console/drafts/${encodeURIComponent(saved.id)}?saved=1`);
      } catch (error) {
        return retry(400, error);
      }
  }
}

/** POST /console/compose/counts: each channel's count for the form as typed (the counts script). */
export async function counts(app: Services, event: HttpEvent): Promise<HttpResult> {
  const fields = draftFieldsFrom(formFields(event), app.drafts.channelNames());
  const answer = json(200, { counts: await app.drafts.counts(fields) });
  return { ...answer, headers: { ...answer.headers, 'cache-control': 'no-store' } };
}
