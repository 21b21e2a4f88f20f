import type { Clock, RateLimiter } from '../domain/ports';
import type { Mailer } from '../domain/delivery/ports';
import type { SenderIdentity } from '../domain/mail/sender';
import type { SignInEmailRenderer, SignInLinkStore, StaffDirectory, StaffSessionStore } from '../domain/staff/ports';
import { authenticate, endSession, requestSignInLink, startSession, type StaffSession, type StartedSession } from '../domain/staff/sign-in';

/** What staff sign-in reads, writes and sends through. */
export interface SessionsPorts {
  staff: StaffDirectory;
  links: SignInLinkStore;
  sessions: StaffSessionStore;
  rateLimiter: RateLimiter;
  mailer: Mailer;
  signInEmails: SignInEmailRenderer;
  sender: Pick<SenderIdentity, 'from' | 'replyTo' | 'publicUrl'>;
  clock: Clock;
}

/**
 * The staff console's sign-in: emailed links, sessions, sign-out. Roles and request checks are
 * `StaffAccess`'s (services/staff.ts), which every function has.
 *
 * @example
 * await sessions.requestLink(form.get('email'));
 * const { sessionToken } = await sessions.start(linkToken);
 * const session = await sessions.authenticate(sessionToken);
 */
export class SessionsService {
  constructor(private readonly ports: SessionsPorts) {}

  /** @throws RateLimitedError, ValidationError when the input is not an address; answers alike for staff and anyone else. */
  requestLink(email: string, clientIp: string): Promise<void> {
    return requestSignInLink({ email, clientIp }, this.ports);
  }

  /** @throws InvalidTokenError for a link that cannot start a session, whatever the reason. */
  start(linkToken: string): Promise<StartedSession> {
    return startSession(linkToken, this.ports);
  }

  /** @throws AuthenticationError when the cookie names no live session of a current member. */
  authenticate(sessionToken: string | undefined): Promise<StaffSession> {
    return authenticate(sessionToken, this.ports);
  }

  signOut(sessionToken: string | undefined): Promise<void> {
    return endSession(sessionToken, this.ports);
  }
}
