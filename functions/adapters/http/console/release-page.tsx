/** @jsxImportSource hono/jsx */
/**
 * One release in the console: what it is, its send with live figures (release-script.ts keeps them
 * current; without script the Refresh link does), its social posts, a test send, and what
 * engagement tracking would mean. Controls show only to the roles that may use them; the server
 * checks the role again on every POST.
 */
import { Layout, type SignedIn } from './layout';
import { Csrf } from './form-parts';
import type { ReleaseStatus, SocialPostView } from '../../../domain/release/release-status';
import { hasRole, isStaffRole } from '../../../domain/staff/staff-member';
import { SocialPostStatus } from '../../../domain/social/social-post';
import { controlWhen, dateTime, SendCommand, SHOWN_COUNTS, type SendFigures } from './send-figures';
import type { Engagement as EngagementFigures } from '../../../domain/delivery/engagement';
import type { RecipientPage } from '../../../domain/delivery/recipients';

type Engagement = EngagementFigures;

interface Brand {
  organisationName: string;
}

/** What a POST just did, shown once after its redirect (`?done=`): fixed sentences, nothing echoed. */
export const NOTICES = {
  paused: 'The send is paused.',
  resumed: 'The send is resumed.',
  cancelled: 'The send is cancelled.',
  retried: 'The post will be tried again on the next run of the poster (within a minute).',
  'test-sent': 'The test email is on its way.',
} as const;
export type Notice = keyof typeof NOTICES;

export interface ReleasePageProps extends Brand {
  signedIn: SignedIn;
  release: ReleaseStatus;
  figures: SendFigures;
  notice?: Notice;
  /** The test-send form as sent back, with what is wrong with it. */
  testSend?: { address: string; error: string };
  engagement: Engagement;
  /** Who got it: a page of one list's members, for editors and admins (undefined for contributors). */
  recipients?: RecipientPage;
  /** The address looked up in "who got it", if any. */
  recipientEmail?: string;
}

const COUNT_LABELS: Record<(typeof SHOWN_COUNTS)[number], string> = {
  targeted: 'Targeted',
  sent: 'Sent',
  delivered: 'Delivered',
  failed: 'Failed',
  skipped: 'Skipped',
  bounced: 'Bounced',
  complained: 'Complained',
};

/** Editors and admins control sends and retry posts. */
const mayControl = (signedIn: SignedIn) => isStaffRole(signedIn.role) && hasRole(signedIn.role, 'editor');

const base = (release: ReleaseStatus) => `/console/releases/${encodeURIComponent(release.id)}`;

function Facts({ release }: { release: ReleaseStatus }) {
  return (
    <dl class="facts">
      <dt>Lists</dt>
      <dd>{release.lists.join(', ')}</dd>
      <dt>Published</dt>
      <dd>{dateTime(release.publishedAt)}</dd>
      <dt>Embargo</dt>
      <dd>{release.embargoUntil ? `${dateTime(release.embargoUntil)}${release.public ? ' (ended)' : ' (holds: nothing is public yet)'}` : 'None'}</dd>
      <dt>Web version</dt>
      <dd>
        {release.public ? <a href={`/releases/${encodeURIComponent(release.id)}`}>/releases/{release.id}</a> : <span class="muted">Not public until the embargo ends</span>}
      </dd>
      <dt>Original</dt>
      <dd>
        <a href={release.url}>{release.url}</a>
      </dd>
    </dl>
  );
}

function Warnings({ release }: { release: ReleaseStatus }) {
  return (
    <section aria-labelledby="warnings-heading">
      <h2 id="warnings-heading">Preflight warnings</h2>
      {release.warnings.length === 0 ? (
        <p>None: the release passed every check when it was published.</p>
      ) : (
        <ul>
          {release.warnings.map((finding) => (
            <li>
              <strong>Warning:</strong> {finding.message} <span class="muted">({finding.code})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Every revision of the content, when the release was corrected: when, what changed, the note, who. */
function Revisions({ release }: { release: ReleaseStatus }) {
  if (release.revision < 2) return null;
  return (
    <section aria-labelledby="revisions-heading">
      <h2 id="revisions-heading">Corrections</h2>
      <p>
        Revision {release.revision}: the web version, archive and feeds show it, and anyone the send had not reached got it. Nobody was sent the release twice.
      </p>
      <div class="table-wrap">
      <table>
        <caption class="visually-hidden">Revisions, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Revision</th>
            <th scope="col">When</th>
            <th scope="col">Title</th>
            <th scope="col">Changed</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {release.revisions.map((revision) => (
            <tr>
              <td data-label="Revision">{revision.revision}</td>
              <td data-label="When">{dateTime(revision.at)}</td>
              <td data-label="Title">{revision.title}</td>
              <td data-label="Changed">
                {revision.changed.length ? revision.changed.join(', ') : 'first published'}
                {revision.by ? ` (by ${revision.by})` : ''}
              </td>
              <td data-label="Note">{revision.correctionNote ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
      </div>
    </section>
  );
}

function SendControls({ release, signedIn, figures }: { release: ReleaseStatus; signedIn: SignedIn; figures: SendFigures }) {
  if (!mayControl(signedIn)) return <p class="muted">Editors and admins can pause, resume and cancel a send.</p>;
  // Every control is in the page; those the status does not allow are hidden, and the script shows
  // them as the status changes (the server refuses a move the status does not allow anyway).
  const hiddenUnless = (command: SendCommand) => !controlWhen(command).split(' ').includes(figures.status);
  return (
    <div class="controls">
      <form method="post" action={`${base(release)}/pause`} data-when={controlWhen(SendCommand.Pause)} hidden={hiddenUnless(SendCommand.Pause)}>
        <Csrf signedIn={signedIn} />
        <button type="submit">Pause the send</button>
      </form>
      <form method="post" action={`${base(release)}/resume`} data-when={controlWhen(SendCommand.Resume)} hidden={hiddenUnless(SendCommand.Resume)}>
        <Csrf signedIn={signedIn} />
        <button type="submit">Resume the send</button>
      </form>
      <p data-when={controlWhen(SendCommand.Cancel)} hidden={hiddenUnless(SendCommand.Cancel)}>
        <a class="danger-link" href={`${base(release)}/cancel`}>
          Cancel the send…
        </a>
      </p>
    </div>
  );
}

function Send({ release, signedIn, figures }: { release: ReleaseStatus; signedIn: SignedIn; figures: SendFigures }) {
  return (
    <section id="send" aria-labelledby="send-heading" data-stats={`${base(release)}/stats`} data-poll-ms={String(figures.pollMs)} data-status={figures.status}>
      <h2 id="send-heading">Email send</h2>
      <p aria-live="polite">
        Status: <span id="send-status" class={`status status-${figures.status}`}>{figures.status}</span>
      </p>
      <p id="paused-note" class="warning" hidden={!figures.text.paused}>
        {figures.text.paused}
      </p>
      <p id="send-error" class="error" hidden={!figures.text.error}>
        {figures.text.error}
      </p>
      <div class="bar">
        <progress id="send-bar" max={figures.bar.max} value={figures.bar.value} aria-labelledby="progress-text" />
        <span id="progress-text">{figures.text.progress}</span>
      </div>
      <dl class="counts">
        {figures.shown.map((name) => (
          <div>
            <dt>{COUNT_LABELS[name]}</dt>
            <dd data-count={name}>{String(figures.counts[name])}</dd>
          </div>
        ))}
        <div>
          <dt>Bounce rate</dt>
          <dd id="bounce-rate">{figures.text.bounceRate}</dd>
        </div>
        <div>
          <dt>Complaint rate</dt>
          <dd id="complaint-rate">{figures.text.complaintRate}</dd>
        </div>
      </dl>
      <p class="muted">
        {figures.deliveriesReported
          ? 'Rates are over the messages the mail provider has reported on (delivered and bounced).'
          : 'This stack publishes no delivery events (the default; deploy with deliveryEvents=true to count them): deliveries are not reported, and rates are over the messages sent.'}{' '}
        The provider's reports are counted per release; "Who got it" below shows the email sent to each member.
      </p>
      <p>
        <span id="live-note" class="muted" aria-live="polite">
          {figures.final ? 'The send has ended.' : ''}
        </span>{' '}
        <a href={base(release)}>Refresh</a>
      </p>
      <SendControls release={release} signedIn={signedIn} figures={figures} />
    </section>
  );
}

function PostOutcome({ post }: { post: SocialPostView }) {
  if (post.status === SocialPostStatus.Posted) {
    const posted = `Posted${post.postedAt ? ` ${dateTime(post.postedAt)}` : ''}`;
    // A channel's answer names the URL: linked only when it is a web address (never `javascript:`).
    return post.remoteUrl && /^https?:\/\//i.test(post.remoteUrl) ? <a href={post.remoteUrl}>{posted}</a> : <span>{posted}</span>;
  }
  if (post.lastError) return <span class={post.status === SocialPostStatus.Failed ? 'error' : undefined}>Last error: {post.lastError}</span>;
  return <span class="muted">Due {dateTime(post.dueAt)}</span>;
}

function Social({ release, signedIn }: { release: ReleaseStatus; signedIn: SignedIn }) {
  const canRetry = mayControl(signedIn);
  return (
    <section aria-labelledby="social-heading">
      <h2 id="social-heading">Social posts</h2>
      {release.social.length === 0 ? (
        <p>No social posts were scheduled for this release.</p>
      ) : (
        <>
          {release.social.some((p) => p.status === SocialPostStatus.Failed) && (
            <p class="warning">
              <strong>Check the channel before you retry.</strong> A post that failed may still have gone out: on channels that cannot recognise a
              repeated post (they take no idempotency key), a retry would post it twice.
            </p>
          )}
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                {release.social.map((post) => (
                  <tr>
                    <td data-label="Channel">{post.channel}</td>
                    <td data-label="Status">
                      <span class={`status status-${post.status}`}>{post.status}</span>
                    </td>
                    <td data-label="Outcome">
                      <PostOutcome post={post} />
                    </td>
                    <td data-label="Attempts">{String(post.attempts)}</td>
                    <td data-label="Action">
                      {post.status === SocialPostStatus.Failed && canRetry ? (
                        <form method="post" action={`${base(release)}/social/${encodeURIComponent(post.channel)}/retry`}>
                          <Csrf signedIn={signedIn} />
                          <button type="submit" aria-label={`Retry the ${post.channel} post`}>
                            Retry
                          </button>
                        </form>
                      ) : (
                        <span class="muted">–</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function TestSend({ release, signedIn, testSend }: { release: ReleaseStatus; signedIn: SignedIn; testSend?: ReleasePageProps['testSend'] }) {
  return (
    <section aria-labelledby="test-heading">
      <h2 id="test-heading">Test send</h2>
      <p>Sends this release, marked [TEST], to one staff address. Nothing is counted and no subscriber gets it.</p>
      <form method="post" action={`${base(release)}/test`} novalidate>
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="test-address">Staff address</label>
          {testSend && (
            <p id="test-address-error" class="error" role="alert">
              {testSend.error}
            </p>
          )}
          <input
            id="test-address"
            name="address"
            type="email"
            autocomplete="email"
            required
            value={testSend?.address ?? signedIn.email}
            aria-invalid={testSend ? 'true' : undefined}
            aria-describedby={testSend ? 'test-address-error' : undefined}
          />
        </div>
        <button type="submit">Send a test</button>
      </form>
    </section>
  );
}

const percent = (rate: number) => `${Number((rate * 100).toFixed(1))} %`;

/** Opens and clicks in aggregate when tracking is on; otherwise what turning it on would mean. */
function EngagementSection({ engagement }: { engagement: Engagement }) {
  return (
    <section aria-labelledby="engagement-heading">
      <h2 id="engagement-heading">Engagement</h2>
      {engagement.tracking ? (
        <>
          <dl class="counts">
            <div>
              <dt>Opened</dt>
              <dd>{engagement.opened}</dd>
            </div>
            <div>
              <dt>Open rate</dt>
              <dd>{percent(engagement.openRate)}</dd>
            </div>
            <div>
              <dt>Clicked</dt>
              <dd>{engagement.clicked}</dd>
            </div>
            <div>
              <dt>Click rate</dt>
              <dd>{percent(engagement.clickRate)}</dd>
            </div>
          </dl>
          {engagement.links.length > 0 && (
            <table>
              <caption>Readers who followed each link</caption>
              <thead>
                <tr>
                  <th scope="col">Link</th>
                  <th scope="col">Readers</th>
                </tr>
              </thead>
              <tbody>
                {engagement.links.map((link) => (
                  <tr>
                    <td data-label="Link" class="wrap">{link.url}</td>
                    <td data-label="Readers">{link.clicks}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <p class="muted">{engagement.note}</p>
        </>
      ) : (
        <>
          <p>Open and click tracking is off (the default), so this page shows neither opens nor clicks.</p>
          <p>
            Turning it on would add a tracking image and rewrite each link through us, and would count opens and clicks per release and per link
            only, never per reader. Opens would still be unreliable: Apple Mail Privacy Protection and other mail clients fetch images on the
            reader's behalf, so many unopened emails would count as opened. Clicks are the more trustworthy of the two.
          </p>
        </>
      )}
    </section>
  );
}

const OUTCOME_LABELS: Record<string, string> = {
  sent: 'Sent',
  failed: 'Failed',
  skipped: 'Skipped',
  sending: 'Sending',
  'not-sent': 'Not sent',
};

/** Who got it: a page of one list's members with how the email went for each (editors and admins). */
function Recipients({ release, recipients, email }: { release: ReleaseStatus; recipients?: RecipientPage; email?: string }) {
  return (
    <section aria-labelledby="recipients-heading">
      <h2 id="recipients-heading">Who got it</h2>
      {!recipients ? (
        <p>Editors and admins see who got this release.</p>
      ) : (
        <>
          <form method="get" action={base(release)} class="controls">
            <div>
              <label for="recipients-list">List</label>
              <select id="recipients-list" name="list">
                {release.lists.map((id) => (
                  <option value={id} selected={id === recipients.listId}>
                    {id}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label for="recipients-email">Or one address</label>
              <input id="recipients-email" name="email" type="email" value={email ?? ''} autocomplete="off" />
            </div>
            <button type="submit" class="secondary">
              Show
            </button>
          </form>
          {recipients.recipients.length === 0 ? (
            <p>{email ? 'No member of this release\'s lists has that address.' : 'This list has no members.'}</p>
          ) : (
            <table>
              <caption>{email ? `Looked up: ${email}` : `Members of ${recipients.listId}`}</caption>
              <thead>
                <tr>
                  <th scope="col">Address</th>
                  <th scope="col">List</th>
                  <th scope="col">Email</th>
                  <th scope="col">When</th>
                  <th scope="col">Membership now</th>
                </tr>
              </thead>
              <tbody>
                {recipients.recipients.map((r) => (
                  <tr>
                    <td data-label="Address" class="wrap">{r.email}</td>
                    <td data-label="List">{r.listId}{r.reachedThrough ? ` (sent through ${r.reachedThrough})` : ''}</td>
                    <td data-label="Email">
                      {OUTCOME_LABELS[r.outcome] ?? r.outcome}
                      {r.reason ? `: ${r.reason}` : ''}
                      {r.reported?.delivered ? ', delivered' : ''}
                      {r.reported?.bounced ? `, bounced${r.reported.bounced.type ? ` (${r.reported.bounced.type})` : ''}` : ''}
                      {r.reported?.complained ? ', marked as spam' : ''}
                      {r.reported?.rejected ? ', rejected by the provider' : ''}
                      {r.reported?.unsubscribed ? ', unsubscribed through it' : ''}
                    </td>
                    <td data-label="When">{r.at ? dateTime(r.at) : ''}</td>
                    <td data-label="Membership now">
                      {r.membership}
                      {r.suppressed ? `, suppressed (${r.suppressed.reason ?? 'suppressed'}) ${dateTime(r.suppressed.at)}` : ''}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {recipients.next && (
            <p>
              <a href={`${base(release)}?${new URLSearchParams({ list: recipients.listId, cursor: recipients.next })}#recipients-heading`}>Next members</a>
            </p>
          )}
          <p class="muted">
            "Not sent": they joined or confirmed after the send was planned, or it has not reached them yet. "Delivered", "bounced" and "marked as
            spam" are what the mail provider reported afterwards.
          </p>
        </>
      )}
    </section>
  );
}

/** The release page. */
export function ReleasePage({ organisationName, signedIn, release, figures, notice, testSend, engagement, recipients, recipientEmail }: ReleasePageProps) {
  return (
    <Layout title={release.title} organisationName={organisationName} signedIn={signedIn} script="/console/assets/release.js">
      <p class="crumbs">
        <a href="/console/releases">Releases</a>
      </p>
      <h1>{release.title}</h1>
      {notice && (
        <p class="notice" role="status">
          {NOTICES[notice]}
        </p>
      )}
      <Facts release={release} />
      <Send release={release} signedIn={signedIn} figures={figures} />
      <Social release={release} signedIn={signedIn} />
      <TestSend release={release} signedIn={signedIn} testSend={testSend} />
      <Warnings release={release} />
      <Revisions release={release} />
      <Recipients release={release} recipients={recipients} email={recipientEmail} />
      <EngagementSection engagement={engagement} />
    </Layout>
  );
}

/** The confirmation step of a cancel: what it does, and a button that posts it. */
export function CancelSendPage({ organisationName, signedIn, release, figures }: Brand & { signedIn: SignedIn; release: ReleaseStatus; figures: SendFigures }) {
  return (
    <Layout title={`Cancel the send of ${release.title}`} organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Cancel this send?</h1>
      <p>
        <strong>{release.title}</strong> is {figures.status}: {figures.text.progress}.
      </p>
      <p>
        Cancelling stops it for good: subscribers who have not had it yet will not get it, and the send cannot be resumed or started again. To
        stop it for a while instead, pause it.
      </p>
      <form method="post" action={`${base(release)}/cancel`}>
        <Csrf signedIn={signedIn} />
        <input type="hidden" name="confirm" value="cancel" />
        <button type="submit" class="danger">
          Cancel the send
        </button>
      </form>
      <p>
        <a href={base(release)}>Keep sending and go back</a>
      </p>
    </Layout>
  );
}
