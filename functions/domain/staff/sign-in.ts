/**
 * Staff sign-in by emailed link, and the sessions it starts. A link is single-use and lives 15
 * minutes; a session ends after 2 hours idle or 12 hours whatever happens. Links and sessions are
 * stored as hashes only. Nothing here tells a caller whether an address is staff.
 */
import type { Clock, RateLimiter } from '../ports';
import type { Mailer } from '../delivery/ports';
import { AuthenticationError, InvalidTokenError, ValidationError } from '../errors';
// The sign-up form's error: the same 429 for the same reason, a client asking too often.
import { RateLimitedError } from '../subscriber/errors';
import { personaliseMessage } from '../mail/mime';
import { senderDomain, senderTemplate, type SenderIdentity } from '../mail/sender';
import type { SignInEmailRenderer, SignInLinkStore, StaffDirectory, StaffSessionStore } from './ports';
import { staffEmail, type StaffRole } from './staff-member';
import { csrfTokenFor, hashSecretToken, newSecretToken } from './secrets';

export const SIGN_IN_LINK_VALID_MS = 15 * 60_000;
export const SESSION_IDLE_MS = 2 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;
/** Activity younger than this is not written again: a page view need not cost a write each time. */
const TOUCH_AFTER_MS = 60_000;
/** Sign-in emails per address per hour: enough for a mistyped attempt or two, too few to flood a mailbox. */
const LINKS_PER_ADDRESS_PER_HOUR = 5;
/**
 * Sign-in requests one client address may make per hour, whatever the addresses asked for: enough
 * for an office sharing one, too few to fill the table with links or to walk a list of addresses.
 */
export const SIGN_IN_REQUESTS_PER_IP = 20;
const HOUR_MS = 3_600_000;

export interface SignInDeps {
  staff: StaffDirectory;
  links: SignInLinkStore;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  signInEmails: SignInEmailRenderer;
  sender: Pick<SenderIdentity, 'from' | 'replyTo' | 'publicUrl'>;
  clock: Clock;
}

/** The page behind a sign-in link (its GET shows a button; its POST spends the link). */
export function signInUrl(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/$/, '')}/console/sign-in/${token}`;
}

/**
 * Asks for a sign-in link. Whatever the address, it does the same store work (a rate count and a
 * stored link) and answers nothing; only a staff address, within its hourly allowance, is emailed
 * the link. A link stored for anyone else can never start a session: spending it checks the
 * address is staff.
 *
 * @example
 * await requestSignInLink({ email: 'editor@example.org', clientIp: '192.0.2.1' }, deps); // an email, if that address is staff
 * @throws RateLimitedError when the client made too many requests this hour (checked first: nothing is stored);
 *   ValidationError when the input is not an email address at all.
 */
export async function requestSignInLink(request: { email: string; clientIp: string }, deps: SignInDeps): Promise<void> {
  if (!(await deps.rateLimiter.consume(`console-sign-in-ip:${request.clientIp}`, SIGN_IN_REQUESTS_PER_IP, HOUR_MS, deps.clock.now()))) {
    throw new RateLimitedError(HOUR_MS / 1000, 'Too many sign-in requests from this network');
  }
  const email = staffEmail(request.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new ValidationError([{ field: 'email', message: 'Enter an email address like name@example.org.' }], 'Invalid sign-in');
  }
  const now = deps.clock.now();
  const token = newSecretToken();
  const [member, allowed] = await Promise.all([
    deps.staff.get(email),
    deps.rateLimiter.consume(`console-sign-in:${email}`, LINKS_PER_ADDRESS_PER_HOUR, HOUR_MS, now),
  ]);
  await deps.links.save({ tokenHash: hashSecretToken(token), email, expiresAt: new Date(now.getTime() + SIGN_IN_LINK_VALID_MS).toISOString() });
  if (!member || !allowed) return;

  const rendered = await deps.signInEmails.renderSignInLink({ signInUrl: signInUrl(deps.sender.publicUrl, token) });
  const raw = personaliseMessage(senderTemplate(deps.sender, rendered, []), {
    to: member.email,
    values: {},
    messageId: `<sign-in.${now.getTime()}.${hashSecretToken(token).slice(0, 12)}@${senderDomain(deps.sender)}>`,
    date: now,
  });
  await deps.mailer.sendRaw({ from: deps.sender.from.address, to: member.email, raw, tags: { kind: 'staff-sign-in' } });
}

export interface SessionDeps {
  staff: StaffDirectory;
  links: SignInLinkStore;
  sessions: StaffSessionStore;
  clock: Clock;
}

/** A new session: the cookie's value (shown once, stored hashed) and when it ends at the latest. */
export interface StartedSession {
  sessionToken: string;
  expiresAt: Date;
}

/**
 * Spends a sign-in link and starts a session for its address.
 *
 * @example
 * const { sessionToken, expiresAt } = await startSession(tokenFromLink, deps);
 * @throws InvalidTokenError for an unknown, expired or spent link, or one whose address is not (or no longer) staff: all alike.
 */
export async function startSession(linkToken: string, deps: SessionDeps): Promise<StartedSession> {
  const now = deps.clock.now();
  const email = linkToken ? await deps.links.spend(hashSecretToken(linkToken), now) : undefined;
  if (!email || !(await deps.staff.get(email))) throw new InvalidTokenError('sign-in link unknown, expired, spent or not staff');
  const sessionToken = newSecretToken();
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await deps.sessions.create({ idHash: hashSecretToken(sessionToken), email, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: expiresAt.toISOString() });
  return { sessionToken, expiresAt };
}

/** Who is signed in, as every console request sees it. */
export interface StaffSession {
  email: string;
  /** Read from the directory on every request: a change of role applies at once. */
  role: StaffRole;
  /** The token every state-changing form of this session carries. */
  csrfToken: string;
}

/**
 * The session a cookie names, if it is still alive (idle under 2 hours, started under 12 hours ago)
 * and its address is still staff; records the activity.
 *
 * @example
 * const session = await authenticate(cookies.pressroom_console, deps);
 * @throws AuthenticationError when there is no such live session.
 */
export async function authenticate(sessionToken: string | undefined, deps: Omit<SessionDeps, 'links'>): Promise<StaffSession> {
  if (!sessionToken) throw new AuthenticationError('Not signed in');
  const idHash = hashSecretToken(sessionToken);
  const stored = await deps.sessions.get(idHash);
  const now = deps.clock.now();
  if (!stored) throw new AuthenticationError('Not signed in');
  const idleFor = now.getTime() - Date.parse(stored.lastSeenAt);
  if (now.getTime() >= Date.parse(stored.expiresAt) || idleFor >= SESSION_IDLE_MS) {
    await deps.sessions.remove(idHash);
    throw new AuthenticationError('The session has ended');
  }
  const member = await deps.staff.get(stored.email);
  if (!member) throw new AuthenticationError('Not signed in');
  if (idleFor >= TOUCH_AFTER_MS) await deps.sessions.touch(idHash, now);
  return { email: member.email, role: member.role, csrfToken: csrfTokenFor(sessionToken) };
}

/**
 * Ends a session (sign-out); an unknown one is already ended.
 *
 * @example
 * await endSession(cookies.pressroom_console, deps);
 */
export async function endSession(sessionToken: string | undefined, deps: Pick<SessionDeps, 'sessions'>): Promise<void> {
  if (sessionToken) await deps.sessions.remove(hashSecretToken(sessionToken));
}

/**
 * The member a session cookie belongs to, if it names a live session of a current member; reads
 * only (the audit log's edge asks this of every state-changing console request, beside the
 * handler's own {@link authenticate}).
 *
 * @example
 * const member = await sessionHolder(cookies.pressroom_console, deps); // 'editor@example.org' | undefined
 */
export async function sessionHolder(sessionToken: string | undefined, deps: Omit<SessionDeps, 'links'>): Promise<string | undefined> {
  if (!sessionToken) return undefined;
  const stored = await deps.sessions.get(hashSecretToken(sessionToken));
  const now = deps.clock.now().getTime();
  if (!stored || now >= Date.parse(stored.expiresAt) || now - Date.parse(stored.lastSeenAt) >= SESSION_IDLE_MS) return undefined;
  return (await deps.staff.get(stored.email))?.email;
}
