/** @jsxImportSource hono/jsx */
/**
 * The feed and Ghost sources pages (sources-answers.tsx renders them): the list with the form to add
 * one, a source's page (settings, last poll, its posts, poll now, publish a post, change, remove),
 * the removal's confirmation step, and the page that shows a Ghost source's secret once.
 */
import type { Child } from 'hono/jsx';
import { Layout, type SignedIn } from './layout';
import { Csrf, FieldProblem, Notice, Problems } from './form-parts';
import type { FieldIssue } from '../../../domain/errors';
import { DEFAULT_CATEGORY, SourceKind, SourceMode, type SourceView } from '../../../domain/source/source';
import { ItemState, type SourceItem } from '../../../domain/source/source-item';
import type { PollReport } from '../../../domain/source/poll-source';

interface Page {
  organisationName: string;
  signedIn: SignedIn;
}

/** A list staff can map posts to: its id (the form's value) and its name (what they read). */
export interface ListChoice {
  id: string;
  name: string;
}

/**
 * The add or change form as typed: strings, so that a refused form comes back exactly as it was sent.
 * `rows` are category → list rows; `otherwise` is the list for posts no row matched (`"*"`).
 */
export interface SourceForm {
  kind: string;
  name: string;
  url: string;
  mode: string;
  pollMinutes: string;
  rows: { category: string; list: string }[];
  otherwise: string;
}

/** What the last action did, from the redirect's `?done=`. */
export const SOURCE_NOTICES = {
  added: 'The source is added. Its first poll, within a minute (or "Poll now"), marks the posts already in the feed as seen: none of them is sent.',
  saved: 'The settings are saved.',
  removed: 'The source is removed: it is no longer polled, and Ghost is answered "gone" so that it deletes its webhook.',
  'item-published': 'The post is published.',
  'item-failed': 'The post could not be published: its reason is in the list of posts.',
} as const;
export type SourceNotice = keyof typeof SOURCE_NOTICES;

const MODE_WORDS: Record<string, string> = { [SourceMode.Send]: 'Send new posts at once', [SourceMode.Hold]: 'Keep new posts as drafts' };
const KIND_WORDS: Record<string, string> = { [SourceKind.Feed]: 'Feed', [SourceKind.Ghost]: 'Ghost' };
const STATE_WORDS: Record<string, string> = {
  [ItemState.Seen]: 'seen (not sent)',
  [ItemState.Published]: 'published',
  [ItemState.Held]: 'held as a draft',
  [ItemState.Skipped]: 'skipped',
  [ItemState.Failed]: 'failed',
};
const POLL_WORDS: Record<string, string> = { ok: 'read', 'not-modified': 'unchanged', failed: 'failed' };
/** The states staff may publish from: seen at the connection, failed, or held. */
const PUBLISHABLE = new Set<string>([ItemState.Seen, ItemState.Failed, ItemState.Held]);

const dateTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
export const sourcePath = (id: string) => `/console/sources/${encodeURIComponent(id)}`;
export const sourceTitle = (source: Pick<SourceView, 'name' | 'url' | 'kind' | 'id'>) => source.name ?? source.url ?? `Ghost source ${source.id}`;
const listName = (lists: ListChoice[], id: string) => lists.find((l) => l.id === id)?.name ?? id;

/**
 * A poll's report in words, for the notice after "Poll now".
 *
 * @example
 * pollInWords({ status: 'ok', published: 1, seen: 2, … }); // '1 new post published, 2 seen.'
 */
export function pollInWords(report: Omit<PollReport, 'sourceId'>): string {
  if (report.status === 'failed') return 'The poll failed: the reason is under "Last poll".';
  if (report.status === 'not-modified') return 'The feed has not changed since the last poll: nothing new.';
  const parts = [
    report.published && `${plural(report.published, 'new post', 'new posts')} published`,
    report.corrected && `${plural(report.corrected, 'post', 'posts')} corrected`,
    report.held && `${plural(report.held, 'post', 'posts')} kept as drafts`,
    report.seen && `${report.seen} seen`,
    report.skipped && `${report.skipped} skipped (no list mapped)`,
    report.failed && `${report.failed} failed`,
    report.deferred && `${report.deferred} left for the next poll`,
  ].filter(Boolean);
  return parts.length ? `${parts.join(', ')}.` : `Nothing new: ${plural(report.inFeed, 'post', 'posts')} in the feed, all known.`;
}


function ListSelect({ id, name, lists, selected, label, describedBy }: { id: string; name: string; lists: ListChoice[]; selected: string; label?: string; describedBy?: string }) {
  return (
    <select id={id} name={name} aria-label={label} aria-describedby={describedBy} aria-invalid={describedBy ? 'true' : undefined}>
      <option value="" selected={!selected}>
        No list
      </option>
      {lists.map((list) => (
        <option value={list.id} selected={list.id === selected}>
          {list.name}
        </option>
      ))}
      {/* A list typed by hand (the API takes names) or since archived: kept as it was sent. */}
      {selected && !lists.some((l) => l.id === selected) && (
        <option value={selected} selected>
          {selected}
        </option>
      )}
    </select>
  );
}

/**
 * The fields of a source, shared by the add form (kind chosen) and the change form (kind fixed).
 * Field ids start with `prefix`; each problem is shown beside its field.
 */
function SourceFields({ prefix, form, lists, issues = [], kindFixed }: { prefix: string; form: SourceForm; lists: ListChoice[]; issues?: FieldIssue[]; kindFixed?: boolean }) {
  const about = (field: string) => issues.filter((i) => i.field === field);
  // Ids by position, not by the category's text: two categories never share an id.
  const describe = (field: string, id = field) => (about(field).length ? `${prefix}-${id}-error` : undefined);
  const Text = ({ field, label, hint, type = 'text', children }: { field: 'name' | 'url' | 'pollMinutes'; label: string; hint?: string; type?: string; children?: Child }) => {
    const error = describe(field);
    const hintId = hint ? `${prefix}-${field}-hint` : undefined;
    return (
      <div class="field">
        <label for={`${prefix}-${field}`}>{label}</label>
        {hint && (
          <p id={hintId} class="hint">
            {hint}
          </p>
        )}
        {error && <FieldProblem id={error} issues={about(field)} />}
        <input
          id={`${prefix}-${field}`}
          name={field}
          type={type}
          value={form[field]}
          aria-describedby={[hintId, error].filter(Boolean).join(' ') || undefined}
          aria-invalid={error ? 'true' : undefined}
          {...(type === 'number' ? { min: 5, max: 1440, inputmode: 'numeric' } : {})}
        />
        {children}
      </div>
    );
  };
  const listIssues = issues.filter((i) => i.field === 'lists' || i.field === '(body)');
  return (
    <>
      {!kindFixed && (
        <div class="field">
          <label for={`${prefix}-kind`}>Kind</label>
          <p id={`${prefix}-kind-hint`} class="hint">
            A feed (RSS, Atom or JSON Feed: WordPress, Substack, Hugo, Medium…) is polled; Ghost calls Pressroom with a webhook.
          </p>
          <select id={`${prefix}-kind`} name="kind" aria-describedby={`${prefix}-kind-hint`}>
            <option value={SourceKind.Feed} selected={form.kind !== SourceKind.Ghost}>
              Feed
            </option>
            <option value={SourceKind.Ghost} selected={form.kind === SourceKind.Ghost}>
              Ghost
            </option>
          </select>
        </div>
      )}
      <Text field="name" label="Name (optional)" hint="How staff will recognise it; the feed's address until you give one." />
      {(!kindFixed || form.kind === SourceKind.Feed) && (
        <Text field="url" label="Feed URL" type="url" hint={kindFixed ? 'A new address starts over: its first poll marks its posts as seen.' : 'Feeds only; leave it empty for Ghost.'} />
      )}
      <fieldset aria-describedby={describe('mode')}>
        <legend>New posts</legend>
        {describe('mode') && <FieldProblem id={describe('mode') as string} issues={about('mode')} />}
        {[SourceMode.Send, SourceMode.Hold].map((mode) => (
          <div class="check">
            <input id={`${prefix}-mode-${mode}`} type="radio" name="mode" value={mode} checked={form.mode === mode} />
            <label for={`${prefix}-mode-${mode}`}>
              {MODE_WORDS[mode]}
              {mode === SourceMode.Hold ? ' (an editor publishes each one)' : ' (mailed to the lists below)'}
            </label>
          </div>
        ))}
      </fieldset>
      {(!kindFixed || form.kind === SourceKind.Feed) && (
        <Text field="pollMinutes" label="Poll every (minutes)" type="number" hint="Feeds only: from 5 to 1440; 10 if left empty." />
      )}
      <fieldset aria-describedby={listIssues.length ? `${prefix}-lists-error` : `${prefix}-lists-hint`}>
        <legend>Lists</legend>
        <p id={`${prefix}-lists-hint`} class="hint">
          A post goes to the list of each of its categories or tags named here (as the site writes them, in any case); a post none matches goes to the
          "everything else" list, or is skipped if there is none.
        </p>
        {listIssues.length > 0 && <FieldProblem id={`${prefix}-lists-error`} issues={listIssues} />}
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Category or tag</th>
                <th scope="col">List</th>
              </tr>
            </thead>
            <tbody>
              {form.rows.map((row, i) => {
                const field = `lists.${row.category.trim()}`;
                const error = row.category.trim() ? describe(field, `list-${i}`) : undefined;
                return (
                  <tr>
                    <td data-label="Category or tag">
                      <input id={`${prefix}-category-${i}`} name="category" type="text" value={row.category} aria-label={`Category or tag, row ${i + 1}`} maxlength={64} />
                    </td>
                    <td data-label="List">
                      {error && <FieldProblem id={error} issues={about(field)} />}
                      <ListSelect id={`${prefix}-list-${i}`} name="list" lists={lists} selected={row.list} label={`List for row ${i + 1}`} describedBy={error} />
                    </td>
                  </tr>
                );
              })}
              <tr>
                <td data-label="Category or tag">
                  <span id={`${prefix}-otherwise-label`}>Everything else ({DEFAULT_CATEGORY})</span>
                </td>
                <td data-label="List">
                  {describe(`lists.${DEFAULT_CATEGORY}`, 'otherwise') && (
                    <FieldProblem id={describe(`lists.${DEFAULT_CATEGORY}`, 'otherwise') as string} issues={about(`lists.${DEFAULT_CATEGORY}`)} />
                  )}
                  <ListSelect
                    id={`${prefix}-otherwise`}
                    name="otherwise"
                    lists={lists}
                    selected={form.otherwise}
                    label="List for everything else"
                    describedBy={describe(`lists.${DEFAULT_CATEGORY}`, 'otherwise')}
                  />
                </td>
              </tr>
            </tbody>
          </table>
        </div>
      </fieldset>
    </>
  );
}

function Mapping({ source, lists }: { source: Pick<SourceView, 'lists'>; lists: ListChoice[] }) {
  const entries = Object.entries(source.lists).sort(([a], [b]) => (a === DEFAULT_CATEGORY ? 1 : b === DEFAULT_CATEGORY ? -1 : a.localeCompare(b)));
  return (
    <ul class="links">
      {entries.map(([category, list]) => (
        <li>
          {category === DEFAULT_CATEGORY ? 'everything else' : category} → {listName(lists, list)}
        </li>
      ))}
    </ul>
  );
}

function LastPoll({ source }: { source: SourceView }) {
  if (source.kind !== SourceKind.Feed) return <>Ghost calls Pressroom; nothing is polled</>;
  if (!source.lastPolledAt) return <>Not polled yet</>;
  return (
    <>
      {dateTime(source.lastPolledAt)}{' '}
      <span class={`status status-${source.lastPollStatus === 'failed' ? 'failed' : 'sent'}`}>{POLL_WORDS[source.lastPollStatus ?? ''] ?? source.lastPollStatus}</span>
      {source.lastError && <span class="error"> {source.lastError}</span>}
    </>
  );
}

export interface SourcesPageProps extends Page {
  sources: SourceView[];
  lists: ListChoice[];
  canAdd: boolean;
  /** The add form as sent, when it was refused (or the empty form). */
  form: SourceForm;
  issues?: FieldIssue[];
  notice?: SourceNotice;
}

/** Every source, and (admins) the form to add one. */
export function SourcesPage({ organisationName, signedIn, sources, lists, canAdd, form, issues, notice }: SourcesPageProps) {
  return (
    <Layout title="Sources" organisationName={organisationName} signedIn={signedIn}>
      <h1>Sources</h1>
      <p class="muted">Where posts come from without a developer: a site's feed, polled on a schedule, or Ghost's webhooks. Each new post becomes a release.</p>
      {notice && <Notice>{SOURCE_NOTICES[notice]}</Notice>}
      {sources.length === 0 ? (
        <p>No sources yet.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Source</th>
                <th scope="col">Kind</th>
                <th scope="col">New posts</th>
                <th scope="col">Lists</th>
                <th scope="col">Last poll</th>
                <th scope="col">Posts known</th>
              </tr>
            </thead>
            <tbody>
              {sources.map((source) => (
                <tr>
                  <td data-label="Source" class="wrap">
                    <a href={sourcePath(source.id)}>{sourceTitle(source)}</a>
                    {source.name && source.url && <span class="ua muted">{source.url}</span>}
                  </td>
                  <td data-label="Kind">{KIND_WORDS[source.kind] ?? source.kind}</td>
                  <td data-label="New posts">{MODE_WORDS[source.mode] ?? source.mode}</td>
                  <td data-label="Lists">
                    <Mapping source={source} lists={lists} />
                  </td>
                  <td data-label="Last poll">
                    <LastPoll source={source} />
                  </td>
                  <td data-label="Posts known">{source.itemsSeen}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {canAdd && (
        <section aria-labelledby="add-heading">
          <h2 id="add-heading">Add a source</h2>
          <Problems issues={issues} />
          <form method="post" action="/console/sources">
            <Csrf signedIn={signedIn} />
            <SourceFields prefix="new" form={form} lists={lists} issues={issues} />
            <button type="submit">Add source</button>
          </form>
        </section>
      )}
    </Layout>
  );
}

export interface SourcePageProps extends Page {
  source: SourceView & { items: SourceItem[] };
  lists: ListChoice[];
  /** Where Ghost posts (Ghost sources). */
  webhookUrl?: string;
  canChange: boolean;
  /** The change form as sent, when it was refused (else the source's settings). */
  form: SourceForm;
  issues?: FieldIssue[];
  notice?: SourceNotice;
  /** The report of the poll just made ("Poll now"). */
  polled?: Omit<PollReport, 'sourceId'>;
}

function ItemRow({ item, signedIn, source }: { item: SourceItem; signedIn: SignedIn; source: SourceView }) {
  const title = item.title ?? item.key;
  const canPublish = PUBLISHABLE.has(item.state) && source.kind === SourceKind.Feed;
  return (
    <tr>
      <td data-label="Post" class="wrap">
        {item.link ? <a href={item.link}>{title}</a> : title}
        <span class="ua muted">first seen {dateTime(item.firstSeenAt)}</span>
      </td>
      <td data-label="State">
        <span class={`status status-${item.state === ItemState.Published ? 'sent' : item.state === ItemState.Failed ? 'failed' : item.state === ItemState.Held ? 'paused' : 'archived'}`}>
          {STATE_WORDS[item.state] ?? item.state}
        </span>
        {item.revision && item.revision > 1 && <span class="muted"> revision {item.revision}</span>}
      </td>
      <td data-label="Reason">{item.reason ?? '–'}</td>
      <td data-label="Release">
        {item.state === ItemState.Published ? (
          <a href={`/console/releases/${encodeURIComponent(item.releaseId)}`}>
            Release<span class="visually-hidden"> of {title}</span>
          </a>
        ) : item.state === ItemState.Held ? (
          <a href={`/console/drafts/${encodeURIComponent(item.releaseId)}`}>
            Draft<span class="visually-hidden"> of {title}</span>
          </a>
        ) : (
          '–'
        )}
      </td>
      <td data-label="Action">
        {canPublish ? (
          <form method="post" action={`${sourcePath(source.id)}/items/${encodeURIComponent(item.releaseId)}/publish`} class="inline">
            <Csrf signedIn={signedIn} />
            <button type="submit" class="secondary">
              Publish now<span class="visually-hidden">: {title}</span>
            </button>
          </form>
        ) : (
          '–'
        )}
      </td>
    </tr>
  );
}

/** One source: what it is, its last poll, its posts, and what staff can do with it. */
export function SourcePage(props: SourcePageProps) {
  const { organisationName, signedIn, source, lists, webhookUrl, canChange, form, issues, notice, polled } = props;
  const title = sourceTitle(source);
  return (
    <Layout title={title} organisationName={organisationName} signedIn={signedIn}>
      <p class="crumbs">
        <a href="/console/sources">Sources</a>
      </p>
      <h1>{title}</h1>
      {notice && <Notice>{SOURCE_NOTICES[notice]}</Notice>}
      {polled && <Notice>Polled: {pollInWords(polled)}</Notice>}
      <dl class="facts">
        <dt>Kind</dt>
        <dd>{KIND_WORDS[source.kind] ?? source.kind}</dd>
        {source.url && (
          <>
            <dt>Feed URL</dt>
            <dd>
              <a href={source.url}>{source.url}</a>
            </dd>
          </>
        )}
        {webhookUrl && (
          <>
            <dt>Ghost webhook URL</dt>
            <dd>
              <code>{webhookUrl}</code> (its secret was shown once, when the source was added)
            </dd>
          </>
        )}
        <dt>New posts</dt>
        <dd>{MODE_WORDS[source.mode] ?? source.mode}</dd>
        {source.kind === SourceKind.Feed && (
          <>
            <dt>Polled</dt>
            <dd>every {plural(source.pollMinutes, 'minute', 'minutes')}</dd>
          </>
        )}
        <dt>Lists</dt>
        <dd>
          <Mapping source={source} lists={lists} />
        </dd>
        <dt>Last poll</dt>
        <dd>
          <LastPoll source={source} />
        </dd>
        <dt>Posts known</dt>
        <dd>{source.itemsSeen}</dd>
        <dt>Added</dt>
        <dd>
          {dateTime(source.createdAt)}
          {source.createdBy && ` by ${source.createdBy}`}
        </dd>
      </dl>
      {source.kind === SourceKind.Feed && (
        <form method="post" action={`${sourcePath(source.id)}/poll`} class="inline">
          <Csrf signedIn={signedIn} />
          <button type="submit">Poll now</button>
        </form>
      )}
      <section aria-labelledby="posts-heading">
        <h2 id="posts-heading">Posts</h2>
        {source.items.length === 0 ? (
          <p>No posts yet{source.kind === SourceKind.Feed && !source.lastPolledAt ? ': the feed has not been polled.' : '.'}</p>
        ) : (
          <div class="table-wrap">
            <table>
              <caption class="muted">Newest first. Posts seen when the source was connected were not sent; "Publish now" sends one.</caption>
              <thead>
                <tr>
                  <th scope="col">Post</th>
                  <th scope="col">State</th>
                  <th scope="col">Reason</th>
                  <th scope="col">Release</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {source.items.map((item) => (
                  <ItemRow item={item} signedIn={signedIn} source={source} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {canChange && (
        <section aria-labelledby="settings-heading">
          <h2 id="settings-heading">Change the settings</h2>
          <Problems issues={issues} />
          <form method="post" action={sourcePath(source.id)}>
            <Csrf signedIn={signedIn} />
            <SourceFields prefix="edit" form={form} lists={lists} issues={issues} kindFixed />
            <button type="submit">Save settings</button>
          </form>
          <h2>Remove</h2>
          <p>
            <a class="danger-link" href={`${sourcePath(source.id)}/remove`}>
              Remove this source
            </a>
          </p>
        </section>
      )}
    </Layout>
  );
}

/** The confirmation step before removing a source. */
export function RemoveSourcePage({ organisationName, signedIn, source }: Page & { source: SourceView }) {
  const title = sourceTitle(source);
  return (
    <Layout title="Remove a source" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Remove {title}?</h1>
      <p>
        {source.kind === SourceKind.Ghost
          ? 'Ghost is answered "gone" at its next call, and deletes its webhook.'
          : 'The feed is no longer polled; new posts in it are not sent.'}{' '}
        Releases already made from it stay as they are.
      </p>
      <form method="post" action={`${sourcePath(source.id)}/remove`}>
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="confirm" value="remove" />
        <button type="submit" class="danger">
          Remove {title}
        </button>
      </form>
      <p>
        <a href={sourcePath(source.id)}>Keep it</a>
      </p>
    </Layout>
  );
}

/**
 * A Ghost source just added: its webhook URL and secret, to paste into Ghost. The secret is shown
 * only here, this once (the answer to the POST, never a redirect: it must not travel in a URL).
 */
export function GhostAddedPage({ organisationName, signedIn, source, webhookUrl, secret }: Page & { source: SourceView; webhookUrl: string; secret: string }) {
  return (
    <Layout title="Ghost source added" organisationName={organisationName} signedIn={signedIn}>
      <p class="crumbs">
        <a href="/console/sources">Sources</a>
      </p>
      <h1>Ghost source “{sourceTitle(source)}” added</h1>
      <section class="notice" aria-labelledby="secret-heading">
        <h2 id="secret-heading">Paste these into Ghost now</h2>
        <p>The secret is shown only this once and cannot be recovered; to get another, remove the source and add it again.</p>
        <div class="field">
          <label for="webhook-url">Target URL</label>
          <input id="webhook-url" type="text" readonly value={webhookUrl} class="token" />
        </div>
        <div class="field">
          <label for="webhook-secret">Secret</label>
          <input id="webhook-secret" type="text" readonly value={secret} class="token" />
        </div>
      </section>
      <h2>In Ghost Admin</h2>
      <ol>
        <li>Settings → Integrations → Add custom integration (name it “Pressroom”).</li>
        <li>Add webhook: event “Post published”, the Target URL and Secret above.</li>
        <li>Add a second webhook the same way for “Published post updated”, so that edits correct the release.</li>
      </ol>
      <p>
        <a href={sourcePath(source.id)}>Go to the source's page</a>
      </p>
    </Layout>
  );
}
