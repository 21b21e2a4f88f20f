/** @jsxImportSource hono/jsx */
import { Layout, type SignedIn } from './layout';
import type { ReleaseOverview, ReleaseOverviewPage } from '../../../domain/delivery/release-overview';
import { SendStatus } from '../../../domain/release/send-status';

interface Brand {
  organisationName: string;
}

/** The sign-in form: an address, nothing else. */
export function SignInPage({ organisationName, error, email }: Brand & { error?: string; email?: string }) {
  return (
    <Layout title="Sign in" organisationName={organisationName} narrow>
      <h1>Sign in</h1>
      <p>Enter your staff address and we will email you a link to sign in.</p>
      <form method="post" action="/console/sign-in" novalidate>
        <div class="field">
          <label for="email">Email address</label>
          {error && (
            <p id="email-error" class="error" role="alert">
              {error}
            </p>
          )}
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value={email}
            aria-invalid={error ? 'true' : undefined}
            aria-describedby={error ? 'email-error' : undefined}
          />
        </div>
        <button type="submit">Email me a sign-in link</button>
      </form>
    </Layout>
  );
}

/** What every sign-in request gets, staff or not: nothing here may differ by address. */
export function CheckInboxPage({ organisationName }: Brand) {
  return (
    <Layout title="Check your inbox" organisationName={organisationName} narrow>
      <h1>Check your inbox</h1>
      <p>If that address belongs to staff, a sign-in link is on its way. It works once, for 15 minutes.</p>
      <p>
        <a href="/console">Back to sign-in</a>
      </p>
    </Layout>
  );
}

/**
 * Where the emailed link lands: a button, because mail scanners open links; only the POST spends
 * the link. The token stays in the form's action (the URL it came in), not in a field.
 */
export function SignInLinkPage({ organisationName, token }: Brand & { token: string }) {
  return (
    <Layout title="Sign in" organisationName={organisationName} narrow>
      <h1>Sign in to the console</h1>
      <p>Continue to start your session on this device.</p>
      <form method="post" action={`/console/sign-in/${encodeURIComponent(token)}`}>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}

/** A refusal: a title and a sentence that say what to do, never why in detail (or who is staff). */
export function RefusalPage({ organisationName, title, message, signedIn }: Brand & { title: string; message: string; signedIn?: SignedIn }) {
  return (
    <Layout title={title} organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/console">Go to the console</a>
      </p>
    </Layout>
  );
}

export const dateTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

function Progress({ release }: { release: ReleaseOverview }) {
  const { progress } = release;
  const sent = progress.counts.sent;
  const targeted = progress.targeted;
  return targeted > 0 ? (
    <>
      <progress max={targeted} value={Math.min(sent, targeted)} aria-label={`${release.title}: sent ${sent} of ${targeted}`} /> {sent} of {targeted}
    </>
  ) : (
    <span class="muted">{progress.planningFinished ? 'no recipients' : 'not planned yet'}</span>
  );
}

/** A rate as staff read it: 0.0123 → "1.2 %". */
const rate = (value: number) => `${Number((value * 100).toFixed(1))} %`;

export interface ReleasesPageProps extends Brand {
  signedIn: SignedIn;
  page: ReleaseOverviewPage;
  filters: { status?: string; list?: string };
  /** The lists staff may filter by (id and name). */
  lists: { id: string; name: string }[];
  /** The URL of the next page, when there is one. */
  olderHref?: string;
}

/** Releases newest first: status, progress, embargo; filters by status and list; paging. */
export function ReleasesPage({ organisationName, signedIn, page, filters, lists, olderHref }: ReleasesPageProps) {
  return (
    <Layout title="Releases" organisationName={organisationName} signedIn={signedIn}>
      <h1>Releases</h1>
      <form method="get" action="/console/releases" class="filters" aria-label="Filter releases">
        <div class="field">
          <label for="status">Send status</label>
          <select id="status" name="status">
            <option value="">Any</option>
            {Object.values(SendStatus).map((status) => (
              <option value={status} selected={filters.status === status}>
                {status}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="list">List</label>
          <select id="list" name="list">
            <option value="">Any</option>
            {lists.map((list) => (
              <option value={list.id} selected={filters.list === list.id}>
                {list.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Filter</button>
      </form>
      {page.releases.length === 0 ? (
        <p>No releases match.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">Newest first</caption>
            <thead>
              <tr>
                <th scope="col">Release</th>
                <th scope="col">Published</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col">Bounces / complaints</th>
                <th scope="col">Social</th>
                <th scope="col">Embargo</th>
                <th scope="col">Lists</th>
              </tr>
            </thead>
            <tbody>
              {page.releases.map((release) => (
                <tr>
                  <td data-label="Release">
                    <a href={`/console/releases/${encodeURIComponent(release.id)}`}>{release.title}</a>
                    {release.kind === 'digest' && <span class="muted"> (digest)</span>}
                    {release.publishedBy && <span class="muted"> by {release.publishedBy}</span>}
                  </td>
                  <td data-label="Published">{dateTime(release.publishedAt)}</td>
                  <td data-label="Status">
                    <span class={`status status-${release.progress.status}`}>{release.progress.status}</span>
                    {release.progress.pausedReason && <span class="muted"> {release.progress.pausedReason}</span>}
                  </td>
                  <td data-label="Progress">
                    <Progress release={release} />
                  </td>
                  <td data-label="Bounces / complaints">
                    {rate(release.progress.rates.bounce)} / {rate(release.progress.rates.complaint)}
                  </td>
                  <td data-label="Social">
                    {release.social.length === 0
                      ? '–'
                      : release.social.map((post, i) => (
                          <>
                            {i > 0 && ', '}
                            {post.channel} <span class={`status status-${post.status}`}>{post.status}</span>
                          </>
                        ))}
                  </td>
                  <td data-label="Embargo">{release.embargoUntil ? dateTime(release.embargoUntil) : '–'}</td>
                  <td data-label="Lists">{release.lists.join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="paging" aria-label="Pages">
        {(filters.status || filters.list || olderHref) && <a href="/console/releases">Newest</a>}
        {olderHref && (
          <a href={olderHref} rel="next">
            Older releases
          </a>
        )}
      </nav>
    </Layout>
  );
}
