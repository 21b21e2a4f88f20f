/** @jsxImportSource hono/jsx */
import { Layout, type SignedIn } from './layout';
import type { DraftFields } from '../../../domain/draft/draft';
import type { DraftSummary } from '../../../domain/draft/ports';
import type { ChannelCount } from '../../../domain/draft/social-counts';
import type { Finding } from '../../../domain/release/finding';
import type { FieldIssue } from '../../../domain/errors';

interface Brand {
  organisationName: string;
}

/** A rendered preview: the email's HTML (sanitised release HTML inside MJML's output) and its checks. */
export interface PreviewView {
  subject: string;
  html: string;
  findings: Finding[];
}

export interface ComposePageProps extends Brand {
  signedIn: SignedIn;
  /** The saved draft being edited; absent on a new compose form. */
  draft?: Pick<DraftSummary, 'id' | 'createdBy' | 'updatedBy' | 'updatedAt'>;
  /** The save this edit began on (sent back with the form, so a newer save by someone else is not overwritten). */
  version?: string;
  fields: DraftFields;
  lists: { id: string; name: string }[];
  /** Each configured channel's post as it would go out (after a preview, or always when counted). */
  counts: ChannelCount[];
  /** Whether the member may publish (editor and above). */
  canPublish: boolean;
  preview?: PreviewView;
  issues?: FieldIssue[];
  /** What just happened (saved, test sent), announced to screen readers. */
  notice?: string;
  testTo: string;
}

const dateTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
/** A `datetime-local` value in UTC (the form says so; the browser's own zone is not used). */
const localValue = (iso?: string) => (iso ? new Date(iso).toISOString().slice(0, 16) : '');

function Count({ count }: { count: ChannelCount }) {
  const over = count.limit !== undefined && count.length > count.limit;
  return (
    <p class={`count${count.problem || over ? ' error' : ''}`} id={`count-${count.channel}`} aria-live="polite">
      {count.limit !== undefined ? `${count.length} of ${count.limit} characters` : `${count.length} characters`}
      {count.own ? ' (own text)' : ' (formatted summary)'}
      {count.problem ? ` — will be refused: ${count.problem}` : over ? ' — too long' : ''}
    </p>
  );
}

function Findings({ findings }: { findings: Finding[] }) {
  if (findings.length === 0) return <p>Preflight: no findings.</p>;
  return (
    <>
      <h3>Preflight findings</h3>
      <ul class="findings">
        {findings.map((f) => (
          <li>
            <strong>{f.severity === 'blocking' ? 'Blocking' : 'Warning'}:</strong> {f.message} <span class="muted">({f.code})</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * The release in other languages: one group per translation kept, and one empty group to add another
 * (a group left empty is ignored), so it works without script. Bodies use the body's format.
 */
function TranslationsFieldset({ translations }: { translations: NonNullable<DraftFields['translations']> }) {
  const slots = translations.length < 10 ? [...translations, undefined] : translations;
  return (
    <fieldset class="field">
      <legend>Translations</legend>
      <p class="hint">Optional. Each reader gets the version in their language; others get this one. Leave a group empty to add none.</p>
      {slots.map((t, i) => (
        <fieldset class="field">
          <legend>{t ? `Translation ${i + 1} (${t.language})` : `Translation ${i + 1} (new)`}</legend>
          <div class="field">
            <label for={`translation-language-${i}`}>Language of translation {i + 1}</label>
            <input id={`translation-language-${i}`} name={`translation-language-${i}`} type="text" value={t?.language ?? ''} />
          </div>
          <div class="field">
            {/* "Headline" and "Lead", not "Title" and "Summary": each label names one control on the page. */}
            <label for={`translation-title-${i}`}>Headline of translation {i + 1}</label>
            <input id={`translation-title-${i}`} name={`translation-title-${i}`} type="text" maxlength={300} value={t?.title ?? ''} />
          </div>
          <div class="field">
            <label for={`translation-summary-${i}`}>Lead of translation {i + 1} (optional)</label>
            <textarea id={`translation-summary-${i}`} name={`translation-summary-${i}`} rows={2} maxlength={1000}>
              {t?.summary ?? ''}
            </textarea>
          </div>
          <div class="field">
            <label for={`translation-body-${i}`}>Body of translation {i + 1}</label>
            <textarea id={`translation-body-${i}`} name={`translation-body-${i}`} rows={8}>
              {t?.body ?? ''}
            </textarea>
          </div>
        </fieldset>
      ))}
    </fieldset>
  );
}

/**
 * The compose form (new release or a saved draft): every field of a release, the social plan with
 * each channel's count, the preview in sandboxed frames at 600 and 375 px, test send and publish.
 * One form, one button per action (`action` names it), so it all works without script.
 */
export function ComposePage(props: ComposePageProps) {
  const { organisationName, signedIn, draft, version, fields, lists, counts, canPublish, preview, issues, notice, testTo } = props;
  const formAction = draft ? `/console/drafts/${encodeURIComponent(draft.id)}` : '/console/compose';
  const issueFor = (field: string) => issues?.filter((i) => i.field === field || i.field.startsWith(`${field}.`));
  const title = draft ? `Draft: ${fields.title}` : 'Compose a release';
  return (
    <Layout title={title} organisationName={organisationName} signedIn={signedIn} script="/console/assets/compose.js">
      <h1>{title}</h1>
      {draft && (
        <p class="muted">
          Started by {draft.createdBy}; last saved by {draft.updatedBy}, {dateTime(draft.updatedAt)}.
        </p>
      )}
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {issues && issues.length > 0 && (
        <div class="error" role="alert">
          <h2>Please check</h2>
          <ul>
            {issues.map((i) => (
              <li>
                {i.field}: {i.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <form method="post" action={formAction} class="compose" data-counts="/console/compose/counts">
        <input type="hidden" name="csrf" value={signedIn.csrfToken} />
        {draft && <input type="hidden" name="version" value={version ?? draft.updatedAt} />}
        <div class="field">
          <label for="title">Title</label>
          <input id="title" name="title" type="text" required maxlength={300} value={fields.title} aria-invalid={issueFor('title')?.length ? 'true' : undefined} />
        </div>
        <div class="field">
          <label for="format">Body format</label>
          <select id="format" name="format">
            <option value="markdown" selected={fields.format === 'markdown'}>
              Markdown
            </option>
            <option value="html" selected={fields.format === 'html'}>
              HTML
            </option>
          </select>
        </div>
        <div class="field">
          <label for="body">Body</label>
          <textarea id="body" name="body" rows={14}>
            {fields.body}
          </textarea>
        </div>
        <div class="field">
          <label for="summary">Summary</label>
          <p id="summary-hint" class="hint">
            Optional. Shown in the email's preview text and social posts; else the body's first sentence.
          </p>
          <textarea id="summary" name="summary" rows={3} maxlength={1000} aria-describedby="summary-hint">
            {fields.summary ?? ''}
          </textarea>
        </div>
        <fieldset class="field">
          <legend>Lists</legend>
          {lists.length === 0 && <p class="muted">No lists are configured.</p>}
          {lists.map((list) => (
            <div class="check">
              <input type="checkbox" id={`list-${list.id}`} name="lists" value={list.id} checked={fields.lists.includes(list.id)} />
              <label for={`list-${list.id}`}>{list.name}</label>
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="tags">Tags</label>
          <p id="tags-hint" class="hint">
            Separated by commas.
          </p>
          <input id="tags" name="tags" type="text" value={fields.tags.join(', ')} aria-describedby="tags-hint" />
        </div>
        <div class="field">
          <label for="language">Language</label>
          <p id="language-hint" class="hint">
            A language tag such as en or es-MX.
          </p>
          <input id="language" name="language" type="text" value={fields.language} aria-describedby="language-hint" />
        </div>
        <TranslationsFieldset translations={fields.translations ?? []} />
        <div class="field">
          <label for="embargo">Embargo until (UTC)</label>
          <p id="embargo-hint" class="hint">
            Optional. The time is in UTC. Nothing is sent, posted or shown before it.
          </p>
          <input id="embargo" name="embargo" type="datetime-local" value={localValue(fields.embargoUntil)} aria-describedby="embargo-hint" />
        </div>
        <fieldset class="field">
          <legend>Social plan</legend>
          {counts.length === 0 && <p class="muted">No social channels are configured.</p>}
          {counts.map((count) => (
            <div class="channel">
              <div class="check">
                <input type="checkbox" id={`social-${count.channel}`} name="social" value={count.channel} checked={count.enabled} />
                <label for={`social-${count.channel}`}>Post to {count.channel}</label>
              </div>
              <label for={`social-text-${count.channel}`}>Own text for {count.channel} (optional)</label>
              <textarea id={`social-text-${count.channel}`} name={`social-text-${count.channel}`} rows={3} aria-describedby={`count-${count.channel}`}>
                {fields.social.find((e) => e.channel === count.channel)?.text ?? ''}
              </textarea>
              <Count count={count} />
            </div>
          ))}
        </fieldset>
        <div class="field">
          <label for="test-to">Send a test to</label>
          <p id="test-to-hint" class="hint">
            A staff address; the email is marked as a test.
          </p>
          <input id="test-to" name="testTo" type="email" value={testTo} aria-describedby="test-to-hint" />
        </div>
        <div class="actions">
          <button type="submit" name="action" value="save">
            Save draft
          </button>
          <button type="submit" name="action" value="preview" class="secondary">
            Preview
          </button>
          <button type="submit" name="action" value="test" class="secondary">
            Send test
          </button>
          {canPublish ? (
            <>
              <div class="check">
                <input type="checkbox" id="confirm-publish" name="confirmPublish" value="yes" />
                <label for="confirm-publish">Send it to every subscriber of the lists ticked above (publishing cannot be undone)</label>
              </div>
              <button type="submit" name="action" value="publish" class="publish">
                Publish
              </button>
            </>
          ) : (
            <>
              <button type="submit" name="action" value="publish" class="publish" disabled aria-describedby="publish-reason">
                Publish
              </button>
              <p id="publish-reason" class="hint">
                Only editors and admins publish. Save the draft and ask an editor.
              </p>
            </>
          )}
        </div>
        {draft && (
          <div class="actions">
            <div class="check">
              <input type="checkbox" id="confirm-delete" name="confirmDelete" value="yes" />
              <label for="confirm-delete">Delete this draft for good</label>
            </div>
            <button type="submit" name="action" value="delete" class="danger">
              Delete draft
            </button>
          </div>
        )}
      </form>
      {preview && (
        <section aria-labelledby="preview-heading" class="preview">
          <h2 id="preview-heading">Preview</h2>
          <p>
            Subject: <strong>{preview.subject}</strong>
          </p>
          <Findings findings={preview.findings} />
          <div class="frames">
            {/* srcdoc is an attribute: hono/jsx escapes it, and the HTML is the MJML renderer's output,
                whose release HTML was sanitised (domain/release/sanitise.ts). sandbox="" runs no script
                and gives the frame an origin of its own. */}
            {/* Focusable: on a narrow screen the 600 px frame scrolls sideways, by keyboard too. */}
            <figure tabindex={0} aria-label="Desktop preview, 600 px">
              <figcaption>Desktop, 600 px</figcaption>
              <iframe class="frame-600" width="600" height="800" sandbox="" title="Email preview at 600 pixels" srcdoc={preview.html} />
            </figure>
            <figure tabindex={0} aria-label="Phone preview, 375 px">
              <figcaption>Phone, 375 px</figcaption>
              <iframe class="frame-375" width="375" height="800" sandbox="" title="Email preview at 375 pixels" srcdoc={preview.html} />
            </figure>
          </div>
        </section>
      )}
    </Layout>
  );
}

/** Drafts, most recently changed first. */
export function DraftsPage({ organisationName, signedIn, drafts, deleted }: Brand & { signedIn: SignedIn; drafts: DraftSummary[]; deleted?: boolean }) {
  return (
    <Layout title="Drafts" organisationName={organisationName} signedIn={signedIn}>
      <h1>Drafts</h1>
      {deleted && (
        <p class="notice" role="status">
          Draft deleted.
        </p>
      )}
      <p>
        <a href="/console/compose">Compose a release</a>
      </p>
      {drafts.length === 0 ? (
        <p>No drafts.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Draft</th>
                <th scope="col">Started by</th>
                <th scope="col">Last saved</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d) => (
                <tr>
                  <td data-label="Draft">
                    <a href={`/console/drafts/${encodeURIComponent(d.id)}`}>{d.title || d.id}</a>
                  </td>
                  <td data-label="Started by">{d.createdBy}</td>
                  <td data-label="Last saved">
                    {dateTime(d.updatedAt)} by {d.updatedBy}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}
