/** @jsxImportSource hono/jsx */
/** The staff, personal tokens and audit pages (staff-answers.tsx renders them). */
import { Layout, type SignedIn } from './layout';
import { Csrf } from './form-parts';
import type { StaffMember } from '../../../domain/staff/staff-member';
import { STAFF_ROLES, hasRole } from '../../../domain/staff/staff-member';
import type { AuditEntry, StoredApiToken } from '../../../domain/staff/ports';

interface Page {
  organisationName: string;
  signedIn: SignedIn;
}

const dateTime = (iso: string) => `${iso.slice(0, 16).replace('T', ' ')} UTC`;

/** The CSRF field every state-changing form carries. */

/** A problem with the last form sent, announced to screen readers. */
function Problem({ message }: { message?: string }) {
  return message ? (
    <p class="error" role="alert">
      {message}
    </p>
  ) : null;
}

function RoleSelect({ id, selected, upTo }: { id: string; selected?: string; upTo?: SignedIn['role'] }) {
  return (
    <select id={id} name="role">
      {STAFF_ROLES.filter((role) => !upTo || hasRole(upTo as StaffMember['role'], role)).map((role) => (
        <option value={role} selected={role === selected}>
          {role}
        </option>
      ))}
    </select>
  );
}

const memberPath = (email: string) => `/console/staff/${encodeURIComponent(email)}`;

/** Staff and their roles, with adding, role changes and removal (admins only). */
export function StaffPage({ organisationName, signedIn, members, error }: Page & { members: StaffMember[]; error?: string }) {
  return (
    <Layout title="Staff" organisationName={organisationName} signedIn={signedIn}>
      <h1>Staff</h1>
      <p class="muted">Contributors prepare releases; editors also publish and control sends; admins also manage lists, subscribers and staff.</p>
      <Problem message={error} />
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">Remove</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member, i) => (
              <tr>
                <td data-label="Address">{member.email}</td>
                <td data-label="Role">
                  <form method="post" action={`${memberPath(member.email)}/role`} class="inline">
                    <Csrf signedIn={signedIn} />
                    <label for={`role-${i}`} class="visually-hidden">
                      Role of {member.email}
                    </label>
                    <RoleSelect id={`role-${i}`} selected={member.role} />
                    <button type="submit" class="secondary">
                      Change<span class="visually-hidden"> the role of {member.email}</span>
                    </button>
                  </form>
                </td>
                <td data-label="Since">{dateTime(member.addedAt)}</td>
                <td data-label="Remove">
                  <a href={`${memberPath(member.email)}/remove`}>
                    Remove<span class="visually-hidden"> {member.email}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Add a member</h2>
      <form method="post" action="/console/staff" class="filters">
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="new-email">Email address</label>
          <input id="new-email" name="email" type="email" autocomplete="off" required />
        </div>
        <div class="field">
          <label for="new-role">Role</label>
          <RoleSelect id="new-role" selected="contributor" />
        </div>
        <button type="submit">Add member</button>
      </form>
    </Layout>
  );
}

/** The confirmation step before removing a member. */
export function RemoveMemberPage({ organisationName, signedIn, email }: Page & { email: string }) {
  return (
    <Layout title="Remove a member" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Remove {email}?</h1>
      <p>They are signed out at once, and their personal API tokens stop working. You can add them again later.</p>
      <form method="post" action={`${memberPath(email)}/remove`}>
        <Csrf signedIn={signedIn} />
        <button type="submit" class="danger">
          Remove {email}
        </button>
      </form>
      <p>
        <a href="/console/staff">Keep them</a>
      </p>
    </Layout>
  );
}

/** The member's own personal API tokens, the form to make one, and a new token shown once. */
export function TokensPage({ organisationName, signedIn, tokens, created, error }: Page & { tokens: StoredApiToken[]; created?: { name: string; token: string }; error?: string }) {
  return (
    <Layout title="API tokens" organisationName={organisationName} signedIn={signedIn}>
      <h1>Personal API tokens</h1>
      <p class="muted">
        Scripts use a token as <code>Authorization: Bearer …</code> on <code>/admin</code>, acting as you with the token's role (never more than your own).
      </p>
      {created && (
        <section class="notice" aria-labelledby="created-heading">
          <h2 id="created-heading">Token “{created.name}” created</h2>
          <p>Copy it now: it is shown only this once and cannot be recovered.</p>
          <p>
            <label for="new-token">Your new token</label>
            <input id="new-token" type="text" readonly value={created.token} class="token" />
          </p>
        </section>
      )}
      <Problem message={error} />
      {tokens.length === 0 ? (
        <p>You have no tokens.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((token) => (
                <tr>
                  <td data-label="Name">{token.name}</td>
                  <td data-label="Role">{token.role}</td>
                  <td data-label="Created">{dateTime(token.createdAt)}</td>
                  <td data-label="Last used">{token.lastUsedAt ? dateTime(token.lastUsedAt) : 'never'}</td>
                  <td data-label="Revoke">
                    <a href={`/console/tokens/${encodeURIComponent(token.id)}/revoke`}>
                      Revoke<span class="visually-hidden"> {token.name}</span>
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>Create a token</h2>
      <form method="post" action="/console/tokens" class="filters">
        <Csrf signedIn={signedIn} />
        <div class="field">
          <label for="token-name">Name</label>
          <input id="token-name" name="name" type="text" maxlength={60} required />
        </div>
        <div class="field">
          <label for="token-role">Role</label>
          <RoleSelect id="token-role" selected={signedIn.role} upTo={signedIn.role} />
        </div>
        <button type="submit">Create token</button>
      </form>
    </Layout>
  );
}

/** The confirmation step before revoking a token (scripts using it stop working). */
export function RevokeTokenPage({ organisationName, signedIn, token }: Page & { token: StoredApiToken }) {
  return (
    <Layout title="Revoke a token" organisationName={organisationName} signedIn={signedIn} narrow>
      <h1>Revoke “{token.name}”?</h1>
      <p>Anything using it is refused from now on. This cannot be undone; you can create a new token.</p>
      <form method="post" action={`/console/tokens/${encodeURIComponent(token.id)}/revoke`}>
        <Csrf signedIn={signedIn} />
        <button type="submit" class="danger">
          Revoke {token.name}
        </button>
      </form>
      <p>
        <a href="/console/tokens">Keep it</a>
      </p>
    </Layout>
  );
}

const VIA: Record<AuditEntry['via'], string> = { console: 'console', 'api-token': 'API token', 'admin-token': 'shared admin token' };

/** Every staff action, newest first, a page at a time, filtered by actor (admins only). */
export function AuditPage({ organisationName, signedIn, entries, actor, olderHref }: Page & { entries: AuditEntry[]; actor?: string; olderHref?: string }) {
  return (
    <Layout title="Audit log" organisationName={organisationName} signedIn={signedIn}>
      <h1>Audit log</h1>
      <form method="get" action="/console/audit" class="filters" aria-label="Filter the audit log">
        <div class="field">
          <label for="actor">Actor (address, or “admin token”)</label>
          <input id="actor" name="actor" type="text" value={actor} autocomplete="off" />
        </div>
        <button type="submit">Filter</button>
      </form>
      {entries.length === 0 ? (
        <p>No entries.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="muted">Newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Outcome</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry) => (
                <tr>
                  <td data-label="When">{entry.at.slice(0, 19).replace('T', ' ')} UTC</td>
                  <td data-label="Who">
                    {entry.actor}
                    <span class="muted">
                      {' '}
                      via {VIA[entry.via] ?? entry.via}
                      {entry.tokenName ? ` “${entry.tokenName}”` : ''}
                    </span>
                  </td>
                  <td data-label="Action">
                    <code>{entry.action}</code>
                  </td>
                  <td data-label="Target">
                    {Object.entries(entry.target)
                      .map(([name, value]) => `${name}: ${value}`)
                      .join(', ') || '–'}
                  </td>
                  <td data-label="Outcome">{entry.outcome < 400 ? `done (${entry.outcome})` : `refused (${entry.outcome})`}</td>
                  <td data-label="From">
                    {entry.sourceIp}
                    <span class="muted ua"> {entry.userAgent}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="paging" aria-label="Pages">
        {(actor || olderHref) && <a href="/console/audit">Newest</a>}
        {olderHref && (
          <a href={olderHref} rel="next">
            Older entries
          </a>
        )}
      </nav>
    </Layout>
  );
}
