import { describe, expect, it } from 'vitest';
import { AuthenticationError, ForbiddenError, InvalidTokenError, ValidationError } from '../../functions/domain/errors';
import { requireFormPost, requireRole, requireSameOrigin } from '../../functions/domain/staff/access';
import { csrfTokenFor, hashSecretToken } from '../../functions/domain/staff/secrets';
import { seedStaff } from '../../functions/domain/staff/seed-staff';
import { authenticate, endSession, requestSignInLink, SESSION_ABSOLUTE_MS, SESSION_IDLE_MS, SIGN_IN_LINK_VALID_MS, SIGN_IN_REQUESTS_PER_IP, startSession } from '../../functions/domain/staff/sign-in';
import { hasRole, parseStaff } from '../../functions/domain/staff/staff-member';
import { RateLimitedError } from '../../functions/domain/subscriber/errors';
import { FakeClock, FakeSystemEmails, MemoryRateLimiter, MemorySignInLinkStore, MemoryStaffDirectory, MemoryStaffSessionStore, RecordingMailer } from '../helpers/fakes';

const PUBLIC_URL = 'https://news.example.org';
/** A sign-in request from one client address. */
const ask = (email: string, clientIp = '192.0.2.1') => ({ email, clientIp });
const MINUTE = 60_000;

/** Given a directory with an admin and an editor, and empty link and session stores. */
async function given() {
  const clock = new FakeClock();
  const deps = {
    staff: new MemoryStaffDirectory(),
    links: new MemorySignInLinkStore(),
    sessions: new MemoryStaffSessionStore(),
    rateLimiter: new MemoryRateLimiter(),
    mailer: new RecordingMailer(),
    signInEmails: new FakeSystemEmails(),
    sender: { from: { name: 'Example News', address: 'news@example.org' }, publicUrl: PUBLIC_URL },
    clock,
  };
  await seedStaff(parseStaff('admin@example.org=admin,Editor@Example.org=editor'), deps.staff, clock.now());
  /** The token of the last sign-in link emailed. */
  const lastLink = () => deps.signInEmails.signInLinks.at(-1)!.split('/').pop()!;
  return { ...deps, deps, lastLink };
}

describe('sign-in links', () => {
  it('emails a staff address (in any case) a link to the console, stores only its hash, and the link starts a session', async () => {
    const { deps, mailer, links, lastLink } = await given();
    await requestSignInLink(ask(' EDITOR@example.org '), deps);
    expect(mailer.sent.map((m) => m.to)).toEqual(['editor@example.org']);
    expect(deps.signInEmails.signInLinks[0]).toMatch(/^https:\/\/news\.example\.org\/console\/sign-in\/[A-Za-z0-9_-]{43}$/);
    expect([...links.links.keys()]).toEqual([hashSecretToken(lastLink())]);
    expect(JSON.stringify([...links.links.values()])).not.toContain(lastLink());

    const started = await startSession(lastLink(), deps);
    expect(started.expiresAt.getTime() - deps.clock.now().getTime()).toBe(SESSION_ABSOLUTE_MS);
    expect(await authenticate(started.sessionToken, deps)).toEqual({ email: 'editor@example.org', role: 'editor', csrfToken: csrfTokenFor(started.sessionToken) });
    expect([...deps.sessions.sessions.keys()]).toEqual([hashSecretToken(started.sessionToken)]);
  });

  it('does the same store work for an address that is not staff, emails nothing, and its stored link starts nothing', async () => {
    const { deps, mailer, links, rateLimiter } = await given();
    await requestSignInLink(ask('stranger@example.org'), deps);
    await requestSignInLink(ask('admin@example.org'), deps);
    expect(mailer.sent.map((m) => m.to)).toEqual(['admin@example.org']);
    // One stored link and one rate count each, staff or not.
    expect(links.links.size).toBe(2);
    expect([...rateLimiter.counts.values()].reduce((a, b) => a + b, 0)).toBe(4); // per address and per client, each time
    const strangersHash = [...links.links.values()].find((l) => l.email === 'stranger@example.org')!.tokenHash;
    // Its token was never sent anywhere; even a guessed store entry cannot become a session.
    expect(await links.spend(strangersHash, deps.clock.now())).toBe('stranger@example.org');
  });

  it('refuses a link once spent, once expired, or once its address is no longer staff, all with the same error', async () => {
    const { deps, lastLink, staff } = await given();
    await requestSignInLink(ask('admin@example.org'), deps);
    const spent = lastLink();
    await startSession(spent, deps);
    await expect(startSession(spent, deps)).rejects.toThrow(InvalidTokenError);

    await requestSignInLink(ask('admin@example.org'), deps);
    const late = lastLink();
    deps.clock.advance(SIGN_IN_LINK_VALID_MS);
    await expect(startSession(late, deps)).rejects.toThrow(InvalidTokenError);

    await requestSignInLink(ask('editor@example.org'), deps);
    const demoted = lastLink();
    staff.members.delete('editor@example.org');
    await expect(startSession(demoted, deps)).rejects.toThrow(InvalidTokenError);
    await expect(startSession('', deps)).rejects.toThrow(InvalidTokenError);
    await expect(startSession('made-up', deps)).rejects.toThrow(InvalidTokenError);
  });

  it('a link still works a moment before its 15 minutes are up', async () => {
    const { deps, lastLink } = await given();
    await requestSignInLink(ask('admin@example.org'), deps);
    deps.clock.advance(SIGN_IN_LINK_VALID_MS - 1000);
    await expect(startSession(lastLink(), deps)).resolves.toHaveProperty('sessionToken');
  });

  it('emails an address at most five links an hour, then again after the hour', async () => {
    const { deps, mailer } = await given();
    for (let i = 0; i < 7; i++) await requestSignInLink(ask('admin@example.org'), deps);
    expect(mailer.sent).toHaveLength(5);
    deps.clock.advance(60 * MINUTE);
    await requestSignInLink(ask('admin@example.org'), deps);
    expect(mailer.sent).toHaveLength(6);
  });

  it('refuses a client after 20 requests an hour, whatever the addresses, before storing or sending anything', async () => {
    const { deps, mailer, links } = await given();
    for (let i = 0; i < SIGN_IN_REQUESTS_PER_IP; i++) await requestSignInLink(ask(`someone-${i}@example.org`), deps);
    await expect(requestSignInLink(ask('admin@example.org'), deps)).rejects.toThrow(RateLimitedError);
    expect(mailer.sent).toHaveLength(0);
    expect(links.links.size).toBe(SIGN_IN_REQUESTS_PER_IP);
    // Another network is not held back.
    await requestSignInLink(ask('admin@example.org', '198.51.100.7'), deps);
    expect(mailer.sent).toHaveLength(1);
  });

  it('refuses input that is not an address, without storing anything', async () => {
    const { deps, links } = await given();
    await expect(requestSignInLink(ask('not an address'), deps)).rejects.toThrow(ValidationError);
    expect(links.links.size).toBe(0);
  });
});

describe('sessions', () => {
  async function signedIn(email = 'admin@example.org') {
    const g = await given();
    await requestSignInLink(ask(email), g.deps);
    return { ...g, token: (await startSession(g.lastLink(), g.deps)).sessionToken };
  }

  it('ends after two hours idle, and the ended session is removed', async () => {
    const { deps, token } = await signedIn();
    deps.clock.advance(SESSION_IDLE_MS - MINUTE);
    await authenticate(token, deps);
    deps.clock.advance(SESSION_IDLE_MS - MINUTE);
    await authenticate(token, deps); // activity kept it alive
    deps.clock.advance(SESSION_IDLE_MS);
    await expect(authenticate(token, deps)).rejects.toThrow(AuthenticationError);
    expect(deps.sessions.sessions.size).toBe(0);
  });

  it('ends twelve hours after sign-in however active', async () => {
    const { deps, token } = await signedIn();
    for (let elapsed = 0; elapsed < SESSION_ABSOLUTE_MS - 60 * MINUTE; elapsed += 60 * MINUTE) {
      deps.clock.advance(60 * MINUTE);
      await authenticate(token, deps);
    }
    deps.clock.advance(60 * MINUTE);
    await expect(authenticate(token, deps)).rejects.toThrow(AuthenticationError);
  });

  it('reads the role on every request: a demotion or removal applies at once', async () => {
    const { deps, token, staff } = await signedIn();
    staff.members.get('admin@example.org')!.role = 'contributor';
    expect((await authenticate(token, deps)).role).toBe('contributor');
    staff.members.delete('admin@example.org');
    await expect(authenticate(token, deps)).rejects.toThrow(AuthenticationError);
  });

  it('signs out: the session is gone; no cookie or an unknown one is not a session', async () => {
    const { deps, token } = await signedIn();
    await endSession(token, deps);
    await expect(authenticate(token, deps)).rejects.toThrow(AuthenticationError);
    await expect(authenticate(undefined, deps)).rejects.toThrow(AuthenticationError);
    await expect(authenticate('forged', deps)).rejects.toThrow(AuthenticationError);
  });
});

describe('roles, Origin and CSRF', () => {
  it('orders contributor < editor < admin', () => {
    expect(hasRole('admin', 'editor')).toBe(true);
    expect(hasRole('editor', 'editor')).toBe(true);
    expect(hasRole('editor', 'admin')).toBe(false);
    expect(hasRole('contributor', 'editor')).toBe(false);
    expect(() => requireRole({ role: 'editor' }, 'admin')).toThrow(ForbiddenError);
    expect(() => requireRole({ role: 'admin' }, 'admin')).not.toThrow();
  });

  it('accepts a form post only from our origin with this session\'s CSRF token', () => {
    const session = { csrfToken: csrfTokenFor('session-a') };
    expect(() => requireFormPost(session, { origin: PUBLIC_URL, csrfToken: session.csrfToken }, `${PUBLIC_URL}/`)).not.toThrow();
    const refused = [
      { origin: 'https://evil.example', csrfToken: session.csrfToken },
      { origin: undefined, csrfToken: session.csrfToken },
      { origin: 'null', csrfToken: session.csrfToken },
      { origin: 'http://news.example.org', csrfToken: session.csrfToken },
      { origin: PUBLIC_URL, csrfToken: undefined },
      { origin: PUBLIC_URL, csrfToken: '' },
      { origin: PUBLIC_URL, csrfToken: csrfTokenFor('session-b') },
    ];
    for (const request of refused) expect(() => requireFormPost(session, request, PUBLIC_URL), JSON.stringify(request)).toThrow(ForbiddenError);
    expect(() => requireSameOrigin('https://news.example.org:8443', PUBLIC_URL)).toThrow(ForbiddenError);
  });

  it('parses the first staff and refuses an entry without a known role', () => {
    expect(parseStaff('')).toEqual(new Map());
    expect(() => parseStaff('a@example.org=owner')).toThrow(/role must be one of contributor, editor, admin/);
    expect(() => parseStaff('a@example.org')).toThrow(ValidationError);
  });

  it('seeding never changes a member that exists', async () => {
    const { staff, clock } = await given();
    staff.members.get('editor@example.org')!.role = 'admin';
    await seedStaff(parseStaff('editor@example.org=contributor'), staff, clock.now());
    expect((await staff.get('editor@example.org'))?.role).toBe('admin');
  });
});
